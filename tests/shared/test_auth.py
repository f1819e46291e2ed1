"""Token codec and secret policy."""

import time

import pytest

from shared.auth import TokenCodec, WeakSecretError, check_secret
from shared.errors import Unauthorized

SECRET = "0123456789abcdef0123456789abcdef"


def test_round_trip_keeps_subject_and_scopes() -> None:
    codec = TokenCodec(secret=SECRET)
    claims = codec.verify(codec.create(subject="ana", scopes=["predict", "admin"]))
    assert claims.subject == "ana"
    assert claims.scopes == {"predict", "admin"}
    assert claims.expires_at > time.time() and claims.token_id


def test_expiry_allows_only_the_leeway() -> None:
    codec = TokenCodec(secret=SECRET, ttl_s=60, leeway_s=30)
    within = codec.create(subject="a", scopes=[], now=time.time() - 80)
    beyond = codec.create(subject="a", scopes=[], now=time.time() - 100)
    assert codec.verify(within).subject == "a"
    with pytest.raises(Unauthorized):
        codec.verify(beyond)


def test_other_audience_is_refused() -> None:
    token = TokenCodec(secret=SECRET, audience="other").create(subject="a", scopes=[])
    with pytest.raises(Unauthorized, match="invalid token"):
        TokenCodec(secret=SECRET).verify(token)


@pytest.mark.parametrize("environment", ["prod", "test"])
def test_short_secret_refused_outside_dev(environment: str) -> None:
    with pytest.raises(WeakSecretError):
        check_secret("short", environment=environment)


def test_short_secret_tolerated_in_dev_and_long_one_anywhere() -> None:
    check_secret("short", environment="dev")
    check_secret(SECRET, environment="prod")


def test_gateway_refuses_to_start_with_a_weak_secret() -> None:
    from pydantic import ValidationError

    from services.gateway.config import GatewaySettings

    with pytest.raises(ValidationError, match="JWT_SECRET"):
        GatewaySettings(environment="prod", jwt_secret="weak")


@pytest.mark.parametrize(
    "placeholder",
    [
        "REPLACE_ME_with_openssl_rand_hex_32",
        "dev-only-secret-change-me-0123456789abcdef",
        "b" * 48,
        "abababababababababababababababab",
    ],
)
def test_placeholder_secrets_are_refused_outside_dev(placeholder: str) -> None:
    with pytest.raises(WeakSecretError, match="placeholder"):
        check_secret(placeholder, environment="prod")
    check_secret(placeholder, environment="dev")
