"""Docs pages work without internet: every asset they load is served by the app itself."""

import re
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field

from services.drift.config import DriftSettings
from services.drift.main import create_app as create_drift
from services.gateway.main import create_app as create_gateway
from services.inference.config import InferenceSettings
from services.inference.main import create_app as create_inference
from services.training.config import TrainingSettings
from services.training.main import create_app as create_training
from shared.app import create_service_app
from shared.config import BaseServiceSettings
from shared.deprecation import deprecated_field, deprecation
from tests.asgi import client_for
from tests.gateway.conftest import gateway_settings

UNUSED_DSN = "postgresql://unused@127.0.0.1:1/x"
ASSET_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


def _service_apps() -> dict[str, FastAPI]:
    common: dict[str, Any] = {"environment": "test", "database_url": UNUSED_DSN}
    return {
        "gateway": create_gateway(gateway_settings(UNUSED_DSN, None)),
        "inference": create_inference(InferenceSettings(**common)),
        "training": create_training(TrainingSettings(**common)),
        "drift": create_drift(DriftSettings(**common)),
    }


def _client(app: FastAPI) -> httpx.AsyncClient:
    # The internal services' docs, like their other routes, need a service credential.
    return client_for(app, "http://svc")


def _linked_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", html)


@pytest.mark.parametrize("service", ["gateway", "inference", "training", "drift"])
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_pages_load_only_local_assets(service: str, page: str) -> None:
    app = _service_apps()[service]
    async with _client(app) as client:
        answer = await client.get(page)
        assert answer.status_code == 200, f"{service}{page}: {answer.status_code}"
        urls = _linked_urls(answer.text)
        assert urls, f"{service}{page} links no assets at all"
        for url in urls:
            assert url.startswith("/"), f"{service}{page} loads {url} from outside the app"
            asset = await client.get(url)
            assert asset.status_code == 200, f"{service}{page}: {url} → {asset.status_code}"
            suffix = url[url.rfind(".") :]
            if suffix in ASSET_TYPES:
                assert ASSET_TYPES[suffix] in asset.headers["content-type"], url
                assert len(asset.content) > 100, url
        assert "https://" not in answer.text and "http://" not in answer.text
        # Whatever a bundle references, the browser may fetch nothing beyond this origin.
        policy = answer.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "img-src 'self' data:" in policy


async def test_swagger_ui_is_wired_for_the_password_flow() -> None:
    async with _client(_service_apps()["gateway"]) as client:
        page = (await client.get("/docs")).text
        redirect = await client.get("/docs/oauth2-redirect")
    assert "oauth2RedirectUrl" in page and "/docs/oauth2-redirect" in page
    assert '"validatorUrl": null' in page
    assert redirect.status_code == 200 and "oauth2" in redirect.text


def _app_with_deprecated_route() -> FastAPI:
    async def readiness(_: object) -> dict[str, dict[str, object]]:
        return {}

    app = create_service_app(
        title="t",
        description="d",
        settings=BaseServiceSettings(),
        lifespan=None,
        readiness=readiness,
    )
    router = APIRouter()
    notice = deprecation(since=date(2026, 12, 1), sunset=date(2027, 6, 1), successor="/v2/thing")

    @router.get("/v1/thing", **notice)
    async def old_thing(limit: int = 10) -> dict[str, int]:
        return {"limit": limit}

    @router.get("/v1/other")
    async def other() -> dict[str, bool]:
        return {"ok": True}

    app.include_router(router)
    return app


async def test_deprecated_route_is_announced_in_document_and_headers() -> None:
    app = _app_with_deprecated_route()
    operation = app.openapi()["paths"]["/v1/thing"]["get"]
    assert operation["deprecated"] is True
    assert operation["x-deprecated-since"] == "2026-12-01"
    async with _client(app) as client:
        ok = await client.get("/v1/thing")
        invalid = await client.get("/v1/thing", params={"limit": "many"})
        current = await client.get("/v1/other")
    for answer in (ok, invalid):
        # 2026-12-01T00:00:00Z as an RFC 9745 structured-field date
        assert answer.headers["Deprecation"] == "@1796083200"
        assert answer.headers["Sunset"] == "Tue, 01 Jun 2027 00:00:00 GMT"
        assert answer.headers["Link"] == '</v2/thing>; rel="successor-version"'
    assert ok.status_code == 200 and invalid.status_code == 422
    assert "Deprecation" not in current.headers and current.status_code == 200


class Customer(BaseModel):
    idade: int
    segment: str | None = Field(
        default=None, **deprecated_field(since=date(2026, 12, 1), note="use `segments`")
    )


class Score(BaseModel):
    probability: float


def _app_with_deprecated_field() -> FastAPI:
    async def readiness(_: object) -> dict[str, dict[str, object]]:
        return {}

    app = create_service_app(
        title="t",
        description="d",
        settings=BaseServiceSettings(),
        lifespan=None,
        readiness=readiness,
    )
    router = APIRouter()

    @router.post("/v1/score")
    async def score(customer: Customer) -> Score:
        return Score(probability=customer.idade / 100)

    @router.post("/v1/plain")
    async def plain(score: Score) -> Score:
        return score

    app.include_router(router)
    return app


async def test_deprecated_field_is_announced_on_routes_that_use_it() -> None:
    app = _app_with_deprecated_field()
    field = app.openapi()["components"]["schemas"]["Customer"]["properties"]["segment"]
    assert field["deprecated"] is True and field["x-deprecated-since"] == "2026-12-01"
    async with _client(app) as client:
        using = await client.post("/v1/score", json={"idade": 40})
        other = await client.post("/v1/plain", json={"probability": 0.5})
    assert using.status_code == 200 and using.headers["Deprecation"] == "@1796083200"
    assert other.status_code == 200 and "Deprecation" not in other.headers


async def test_without_deprecated_routes_nothing_is_added() -> None:
    async with _client(_service_apps()["inference"]) as client:
        answer = await client.get("/health/live")
    assert answer.status_code == 200
    assert "Deprecation" not in answer.headers and "X-Request-ID" in answer.headers
