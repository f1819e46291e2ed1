"""Settings shared by every service: read from the environment, validated once at start."""

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["dev", "test", "prod"]


class BaseServiceSettings(BaseSettings):
    """Settings every service reads; each service extends it with its own fields."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False, frozen=True)

    environment: Environment = "dev"
    log_level: str = "INFO"
    database_url: str = "postgresql://postgres@127.0.0.1:5432/ml_pipeline"
    db_pool_min_size: int = Field(default=1, ge=0)
    db_pool_max_size: int = Field(default=10, ge=1)
    db_connect_timeout_s: float = Field(default=5.0, gt=0)
    mlflow_tracking_uri: str = "http://127.0.0.1:5000"
    model_name: str = "comprou-produto"
    max_body_bytes: int = Field(default=1_000_000, ge=1_024)
    # Signs every call between services (shared/service_auth.py); required by every service.
    service_key: SecretStr = SecretStr("")
    service_token_ttl_s: int = Field(default=300, ge=30, le=3600)
    # On SIGTERM, keep answering this long with `Connection: close` before shutting down
    # (shared/lifecycle.py); 0 stops at once.
    shutdown_drain_s: float = Field(default=1.0, ge=0, le=30)

    @field_validator("database_url")
    @classmethod
    def _postgres_scheme(cls, value: str) -> str:
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("DATABASE_URL must be a postgresql:// URL")
        return value
