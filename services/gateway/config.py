"""Gateway settings."""

from ipaddress import IPv4Network, IPv6Network
from typing import Self

from pydantic import Field, SecretStr, model_validator

from shared.auth import check_secret
from shared.config import BaseServiceSettings

_DEV_SECRET = "dev-only-secret-change-me"  # nosec B105 # dev default; refused outside dev


class GatewaySettings(BaseServiceSettings):
    """Environment for the gateway (names are the env variables, upper-cased)."""

    jwt_secret: SecretStr = SecretStr(_DEV_SECRET)
    jwt_ttl_s: int = Field(default=3600, ge=60, le=86_400)
    jwt_issuer: str = "ml-pipeline-gateway"
    jwt_audience: str = "ml-pipeline"
    admin_username: str | None = None
    admin_password: SecretStr | None = None
    redis_url: str | None = None
    redis_timeout_s: float = Field(default=0.25, gt=0)
    inference_url: str = "http://127.0.0.1:8001"
    training_url: str = "http://127.0.0.1:8002"
    drift_url: str = "http://127.0.0.1:8003"
    upstream_timeout_s: float = Field(default=10.0, gt=0)
    upstream_connect_timeout_s: float = Field(default=1.0, gt=0)
    rate_limit_predict: str = "6000/minute"
    rate_limit_per_ip: str = "12000/minute"
    rate_limit_auth: str = "30/minute"
    rate_limit_admin: str = "600/minute"
    # How often batched rate-limit counts are pushed to Redis (see ratelimit.py).
    rate_limit_sync_interval_s: float = Field(default=0.05, gt=0, le=5)
    # Serve /v1/predict(/batch) through the thin ASGI entry; off = plain FastAPI routes.
    gateway_fast_path: bool = True
    rate_limit_key_prefix: str = "mlp"
    trusted_proxies: list[IPv4Network | IPv6Network] = Field(default_factory=list)
    max_csv_bytes: int = Field(default=200_000_000, ge=1_024)

    @model_validator(mode="after")
    def _secret_strength(self) -> Self:
        check_secret(self.jwt_secret.get_secret_value(), environment=self.environment)
        return self
