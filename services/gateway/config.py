"""Gateway settings."""

from ipaddress import IPv4Network, IPv6Network
from typing import Self

from pydantic import Field, SecretStr, model_validator

from shared.auth import check_secret
from shared.config import BaseServiceSettings
from shared.pseudonym import PseudonymKeys

_DEV_SECRET = "dev-only-secret-change-me"  # nosec B105 # dev default; refused outside dev
_DEV_PSEUDONYM_KEY = "dev-only-pseudonym-key-change-me"


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
    # Sign-in attempts per account, from any address: a short window (README "Accounts, tokens
    # and sign-in" weighs guessing against lockout).
    rate_limit_auth_account: str = "10/minute"
    rate_limit_admin: str = "600/minute"
    # How often batched rate-limit counts are pushed to Redis (see ratelimit.py).
    rate_limit_sync_interval_s: float = Field(default=0.05, gt=0, le=5)
    # Serve /v1/predict(/batch) through the thin ASGI entry; off = plain FastAPI routes.
    gateway_fast_path: bool = True
    rate_limit_key_prefix: str = "mlp"
    trusted_proxies: list[IPv4Network | IPv6Network] = Field(default_factory=list)
    max_csv_bytes: int = Field(default=200_000_000, ge=1_024)
    # How long a user's state (exists, disabled, scopes) is trusted before Postgres is asked again.
    account_cache_ttl_s: float = Field(default=30.0, gt=0, le=60)
    # During a Postgres outage, the last known state serves for at most this long.
    account_stale_max_s: float = Field(default=3600.0, ge=0, le=86_400)
    # How often each replica reads the revoked-token list from Redis.
    revocation_sync_interval_s: float = Field(default=5.0, gt=0, le=60)
    # /metrics is served here only, never on the public port (0: any free port).
    # Loopback unless told otherwise: Kubernetes and compose set 0.0.0.0 for the scraper.
    metrics_host: str = "127.0.0.1"
    # 9180, not 9100: node_exporter holds 9100 on many hosts, and podman runs on the host network.
    metrics_port: int = Field(default=9180, ge=0, le=65_535)

    # Keyed hash of customer ids and callers (shared/pseudonym.py); never the JWT or service key.
    pseudonym_key: SecretStr = SecretStr(_DEV_PSEUDONYM_KEY)
    pseudonym_key_version: str = "v1"
    # Keys retired by a rotation, kept to find old rows: "version=key,version=key".
    pseudonym_retired_keys: SecretStr | None = None

    @model_validator(mode="after")
    def _secret_strength(self) -> Self:
        check_secret(self.jwt_secret.get_secret_value(), environment=self.environment)
        return self

    @model_validator(mode="after")
    def _pseudonym_keys_usable(self) -> Self:
        # Tests run outside dev on the default key (a placeholder): only production refuses it.
        self.pseudonym_keys().check(
            environment="prod" if self.environment == "prod" else "dev",
            others=(self.jwt_secret.get_secret_value(), self.service_key.get_secret_value()),
        )
        return self

    def pseudonym_keys(self) -> PseudonymKeys:
        """The configured pseudonym keys, current first."""
        retired = self.pseudonym_retired_keys
        return PseudonymKeys.from_settings(
            key=self.pseudonym_key.get_secret_value(),
            version=self.pseudonym_key_version,
            retired=retired.get_secret_value() if retired else None,
        )
