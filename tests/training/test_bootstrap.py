"""The demo bootstrap promotes its first model the way every other promotion does."""

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import asyncpg
import pytest

from services.training.bootstrap import DEMO_ROWS, BootstrapSettings, bootstrap_model
from shared import registry
from shared.repositories import model_events
from tests.training.conftest import training_settings


class _ReloadRecorder(BaseHTTPRequestHandler):
    """Answers every POST with 200 and remembers its path, as inference's reload would."""

    paths: list[str] = []

    def do_POST(self) -> None:
        self.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextlib.contextmanager
def _inference_stand_in() -> Iterator[tuple[str, list[str]]]:
    paths: list[str] = []
    handler = type("Recorder", (_ReloadRecorder,), {"paths": paths})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", paths
    finally:
        server.shutdown()
        server.server_close()


async def test_bootstrap_promotes_with_the_lock_an_audit_row_and_a_reload(
    training_pool: asyncpg.Pool, training_dsn: str, mlflow_uri: str, fresh_model: str
) -> None:
    with _inference_stand_in() as (inference_url, reloads):
        settings = training_settings(
            training_dsn, mlflow_uri, fresh_model, inference_url=inference_url
        )
        version = await bootstrap_model(settings, demo_rows=3_000)
        assert version is not None
        assert reloads == ["/admin/reload"]
        production = registry.production_version(mlflow_uri, name=fresh_model)
        assert production is not None and production.version == version
        events = await model_events.list_events(training_pool, model_name=fresh_model)
        assert [(e.action, e.from_version, e.to_version, e.actor) for e in events] == [
            ("promote", None, version, "bootstrap")
        ]

        assert await bootstrap_model(settings, demo_rows=3_000) is None
        assert reloads == ["/admin/reload"]
        assert len(await model_events.list_events(training_pool, model_name=fresh_model)) == 1


def test_bootstrap_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_ROWS", "1234")
    monkeypatch.setenv("MODEL_NAME", "from-the-environment")
    settings = BootstrapSettings()
    assert (settings.demo_rows, settings.model_name) == (1234, "from-the-environment")
    monkeypatch.delenv("DEMO_ROWS")
    assert BootstrapSettings().demo_rows == DEMO_ROWS
    monkeypatch.setenv("DEMO_ROWS", "0")
    with pytest.raises(ValueError, match="demo_rows"):
        BootstrapSettings()
