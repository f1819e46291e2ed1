"""Sign-in and token checks at the gateway."""

import time

import asyncpg
import pytest
from jose import jwt

from services.gateway.passwords import hash_password
from shared.repositories.users import upsert_user
from tests.gateway.conftest import ADMIN, SECRET, Gateway

PREDICT = {"idade": 35, "renda_anual": 85000.0}


async def test_token_for_the_first_admin(gateway: Gateway) -> None:
    answer = await gateway.client.post(
        "/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert set(body["scope"].split()) == {"admin", "predict"}
    claims = jwt.get_unverified_claims(body["access_token"])
    assert claims["sub"] == ADMIN[0] and claims["aud"] == "ml-pipeline"


@pytest.mark.parametrize("username, password", [(ADMIN[0], "wrong"), ("nobody", "whatever")])
async def test_bad_credentials_are_401(gateway: Gateway, username: str, password: str) -> None:
    answer = await gateway.client.post(
        "/auth/token", data={"username": username, "password": password}
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "invalid_credentials"


async def test_missing_form_fields_are_422(gateway: Gateway) -> None:
    answer = await gateway.client.post("/auth/token", data={"username": "x"})
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "password"


async def test_scopes_are_narrowed_to_what_was_asked(gateway: Gateway) -> None:
    admin_only = await gateway.token("admin")
    answer = await gateway.client.post(
        "/v1/predict", json=PREDICT, headers={"Authorization": f"Bearer {admin_only}"}
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["type"] == "insufficient_scope"


async def test_predict_only_user_cannot_get_admin(gateway: Gateway, db_pool: asyncpg.Pool) -> None:
    await upsert_user(
        db_pool, username="alice", password_hash=hash_password("alice-pass-1"), scopes=["predict"]
    )
    answer = await gateway.client.post(
        "/auth/token", data={"username": "alice", "password": "alice-pass-1", "scope": "admin"}
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "invalid_scope"


def _forge(claims: dict[str, object], *, secret: str = SECRET, algorithm: str = "HS256") -> str:
    return str(jwt.encode(claims, secret, algorithm=algorithm))


def _claims(**changes: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "sub": ADMIN[0],
        "scope": "predict",
        "iat": now,
        "exp": now + 600,
        "iss": "ml-pipeline-gateway",
        "aud": "ml-pipeline",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


@pytest.mark.parametrize(
    "token",
    [
        _forge(_claims(exp=None)),
        _forge(_claims(aud=None)),
        _forge(_claims(iss=None)),
        _forge(_claims(sub=None)),
        _forge(_claims(iat=None)),
        _forge(_claims(aud="someone-else")),
        _forge(_claims(iss="evil")),
        _forge(_claims(exp=int(time.time()) - 3600)),
        _forge(_claims(iat=int(time.time()) + 3600)),
        _forge(_claims(), secret="another-secret-0123456789abcdef0123456789"),
        _forge(_claims(), algorithm="HS512"),
        # alg "none": header {"alg":"none"}, no signature.
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + jwt.encode(_claims(), "x").split(".")[1] + ".",
        "not-a-jwt",
    ],
    ids=[
        "no-exp",
        "no-aud",
        "no-iss",
        "no-sub",
        "no-iat",
        "wrong-aud",
        "wrong-iss",
        "expired",
        "future-iat",
        "wrong-secret",
        "hs512",
        "alg-none",
        "garbage",
    ],
)
async def test_defective_tokens_are_401(gateway: Gateway, token: str) -> None:
    answer = await gateway.client.post(
        "/v1/predict", json=PREDICT, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 401, answer.text
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert answer.json()["error"]["type"] == "invalid_token"


async def test_forged_but_valid_token_is_accepted(gateway: Gateway) -> None:
    # The control for the table above: the same forging path with every claim right passes.
    answer = await gateway.client.post(
        "/v1/predict", json=PREDICT, headers={"Authorization": f"Bearer {_forge(_claims())}"}
    )
    assert answer.status_code == 200


async def test_token_answer_is_never_cached_and_no_answer_is_sniffed(gateway: Gateway) -> None:
    answer = await gateway.client.post(
        "/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]}
    )
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    for response in (answer, await gateway.client.get("/health/live")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
