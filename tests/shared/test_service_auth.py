"""Internal services believe nothing but a service credential addressed to them."""

import os
import re
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from jose import jwt

from services.drift.config import DriftSettings
from services.drift.main import create_app as create_drift
from services.gateway.config import GatewaySettings
from services.gateway.main import create_app as create_gateway
from services.inference.config import InferenceSettings
from services.inference.main import create_app as create_inference
from services.training.config import TrainingSettings
from services.training.main import create_app as create_training
from shared.auth import TokenCodec, WeakSecretError
from shared.service_auth import ServiceCredentials, check_service_key
from tests.asgi import service_headers

KEY = os.environ["SERVICE_KEY"]
JWT_SECRET = "user-facing-secret-0123456789abcdefghijkl"
OPEN = {"/health/live", "/metrics"}


def _apps() -> dict[str, FastAPI]:
    common: dict[str, Any] = {"environment": "test", "database_url": "postgresql://x@127.0.0.1:9/x"}
    return {
        "inference": create_inference(InferenceSettings(**common)),
        "training": create_training(TrainingSettings(**common)),
        "drift": create_drift(DriftSettings(**common)),
    }


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app documents, and its docs, path parameters filled in."""
    found = [("GET", "/openapi.json"), ("GET", "/docs")]
    for path, operations in app.openapi()["paths"].items():
        found += [(method.upper(), re.sub(r"\{[^}]+\}", "1", path)) for method in operations]
    return found


def _client(app: FastAPI) -> httpx.AsyncClient:
    # No lifespan: the credential check sits in front of everything the lifespan builds.
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://internal")


@pytest.mark.parametrize("service", ["inference", "training", "drift"])
async def test_every_internal_route_needs_a_credential_for_this_service(service: str) -> None:
    app = _apps()[service]
    user_token = TokenCodec(secret=JWT_SECRET).create(subject="admin", scopes=["admin"])
    other = next(name for name in ("inference", "training", "drift") if name != service)
    foreign_key = ServiceCredentials("another-key-0123456789abcdefghijklmn", "gateway")
    attempts = {
        "none": {},
        "user token": {"Authorization": f"Bearer {user_token}"},
        "other audience": service_headers(other, subject="admin", scopes=["admin"]),
        "other key": foreign_key.authorization(service, subject="admin", scopes=["admin"]),
        "not bearer": {"Authorization": "Basic YWRtaW46YWRtaW4="},
    }
    routes = [r for r in _routes(app) if r[1] not in OPEN and r[1] != "/health/ready"]
    assert len(routes) >= 6
    async with _client(app) as client:
        for method, path in routes:
            for name, headers in attempts.items():
                answer = await client.request(method, path, headers=headers, json={})
                assert answer.status_code == 401, (service, method, path, name, answer.text)
                error = answer.json()["error"]
                assert error["type"] in {"missing_credential", "invalid_credential"}, error
                assert answer.headers["WWW-Authenticate"] == "Bearer"
        for path in sorted(OPEN):
            assert (await client.get(path)).status_code == 200, path


def test_tokens_are_refused_when_tampered_with_or_out_of_date() -> None:
    credentials = ServiceCredentials(KEY, "inference")
    good = ServiceCredentials(KEY, "gateway").mint("inference", subject="p-1", scopes=["predict"])
    caller = credentials.verify(good, audience="inference")
    assert (caller.service, caller.subject, caller.scopes) == ("gateway", "p-1", {"predict"})

    now = int(time.time())
    base = {
        "iss": "ml-pipeline/gateway",
        "aud": "ml-pipeline/inference",
        "sub": "p-1",
        "act": True,
        "scope": "admin",
        "typ": "service",
        "iat": now,
        "exp": now + 60,
    }
    forged = {
        "expired": base | {"iat": now - 400, "exp": now - 100},
        "from the future": base | {"iat": now + 600, "exp": now + 700},
        "lifetime of a day": base | {"exp": now + 86_400},
        "unknown issuer": base | {"iss": "ml-pipeline/attacker"},
        "not a service token": base | {"typ": "access"},
        "no audience": {k: v for k, v in base.items() if k != "aud"},
    }
    for name, claims in forged.items():
        token = jwt.encode(claims, KEY, algorithm="HS256")
        with pytest.raises(Exception, match="invalid service credential") as raised:
            credentials.verify(token, audience="inference")
        assert getattr(raised.value, "status_code", None) == 401, name
    unsigned = jwt.encode(base, KEY, algorithm="HS256").rsplit(".", 1)[0] + "."
    with pytest.raises(Exception, match="invalid service credential"):
        credentials.verify(unsigned, audience="inference")
    with pytest.raises(Exception, match="invalid service credential"):
        credentials.verify(jwt.encode(base, KEY, algorithm="HS512"), audience="inference")


def test_minted_tokens_are_reused_until_close_to_expiry() -> None:
    credentials = ServiceCredentials(KEY, "gateway", ttl_s=300)
    first = credentials.mint("inference", subject="p-1", scopes=["predict"])
    assert credentials.mint("inference", subject="p-1", scopes=["predict"]) == first
    assert credentials.mint("inference", subject="p-2", scopes=["predict"]) != first
    assert credentials.mint("training", subject="p-1", scopes=["predict"]) != first
    key = ("inference", "p-1", "predict")
    credentials._minted[key] = (first, time.time() + 59)  # inside the 60 s renewal window
    renewed = credentials.mint("inference", subject="p-1", scopes=["predict"])
    assert renewed != first
    assert credentials.mint("inference", subject="p-1", scopes=["predict"]) == renewed


def test_a_service_acting_on_its_own_is_its_own_actor() -> None:
    token = ServiceCredentials(KEY, "drift").mint("training")
    caller = ServiceCredentials(KEY, "training").verify(token, audience="training")
    assert (caller.subject, caller.actor) == (None, "drift")


def test_service_key_is_required_strong_and_not_the_jwt_secret() -> None:
    with pytest.raises(WeakSecretError, match="SERVICE_KEY is required"):
        check_service_key("", environment="dev")
    with pytest.raises(WeakSecretError, match="SERVICE_KEY"):
        check_service_key("REPLACE_ME_with_a_long_random_value_0123", environment="prod")
    with pytest.raises(WeakSecretError, match="differ from JWT_SECRET"):
        check_service_key(JWT_SECRET, environment="prod", jwt_secret=JWT_SECRET)
    with pytest.raises(WeakSecretError, match="differ from JWT_SECRET"):
        create_gateway(GatewaySettings(environment="test", jwt_secret=KEY))
    check_service_key(KEY, environment="prod", jwt_secret=JWT_SECRET)
