"""API docs pages (Swagger UI, ReDoc) served from assets inside the app, never from a CDN.

Clusters without internet egress still get working docs: the scripts and styles come from
the `fastapi-offline` package (Swagger UI: Apache-2.0, ReDoc: MIT), mounted under
`/docs/assets`. Calling `install_api_docs` also turns on the `Deprecation` header for
operations declared `deprecated=True`, and completes the document's error responses.
"""

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute, Mount, Route

from shared.deprecation import DeprecationHeaderMiddleware
from shared.openapi_responses import complete_responses

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs/assets"
# Swagger UI's defaults would send the document to a public validator for a badge.
# The pages may load and call only their own origin, so nothing bundled in them (ReDoc's
# attribution logo, say) reaches for the internet; inline init scripts and styles stay allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)
# ReDoc's sidebar credits Redocly with a logo from a CDN; the policy blocks it, this hides it.
REDOC_STYLE = '<style>img[src^="http"] { display: none; }</style>'
SWAGGER_UI_PARAMETERS: dict[str, Any] = {
    "validatorUrl": None,
    "persistAuthorization": True,
    "displayRequestDuration": True,
}


def install_api_docs(app: FastAPI) -> None:
    """Replace FastAPI's CDN-backed docs routes with offline ones; announce deprecations."""
    replaced = {app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url} - {None}
    app.router.routes[:] = [r for r in app.router.routes if _path(r) not in replaced]
    app.router.routes.append(Mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets"))
    app.swagger_ui_parameters = {**SWAGGER_UI_PARAMETERS, **(app.swagger_ui_parameters or {})}
    if app.docs_url:
        app.add_route(app.docs_url, _swagger_page(app), include_in_schema=False)
    if app.swagger_ui_oauth2_redirect_url:
        app.add_route(app.swagger_ui_oauth2_redirect_url, _oauth2_redirect, include_in_schema=False)
    if app.redoc_url:
        app.add_route(app.redoc_url, _redoc_page(app), include_in_schema=False)
    app.add_middleware(DeprecationHeaderMiddleware, api=app)
    _complete_document(app)


def _complete_document(app: FastAPI) -> None:
    """Have `app.openapi()` return the document with error examples and headers filled in."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        document = generate()
        return complete_responses(document) if fresh else document

    app.openapi = openapi  # type: ignore[method-assign]


def _path(route: BaseRoute) -> str | None:
    return route.path if isinstance(route, Route | Mount) else None


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _swagger_page(app: FastAPI) -> Any:
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        redirect = app.swagger_ui_oauth2_redirect_url
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{redirect}" if redirect else None,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        )
        page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return page

    return swagger_ui


async def _oauth2_redirect(request: Request) -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


def _redoc_page(app: FastAPI) -> Any:
    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        html = bytes(page.body).decode().replace("</head>", f"{REDOC_STYLE}</head>", 1)
        return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})

    return redoc
