"""`make openapi`: write the gateway's published contract and regenerate the Python client.

The document is built from the gateway app with its default settings (environment ignored),
so it is exactly what a default deployment serves at `/openapi.json`.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess  # nosec B404 # argument lists only, never a shell
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "openapi.json"
PREVIOUS_RELEASE = ROOT / "docs" / "openapi.previous-release.json"
CLIENT_DIR = ROOT / "clients" / "python"
CLIENT_CONFIG = ROOT / "clients" / "python-client.yaml"
# The generator can't express a raw text/csv body; callers post CSV with any HTTP client.
EXPECTED_WARNINGS = {"WARNING parsing POST /v1/features/csv within training."}


def published_app() -> "FastAPI":
    """The gateway app under default settings, as a default deployment runs it."""
    from pydantic import SecretStr

    from services.gateway.config import GatewaySettings
    from services.gateway.main import create_app

    # model_construct: defaults only, so a developer's environment can't leak into the contract.
    # The service key signs nothing here (the document is only rendered) but must be present.
    return create_app(GatewaySettings.model_construct(service_key=SecretStr(secrets.token_hex(32))))


def published_document() -> dict[str, Any]:
    """The gateway's OpenAPI document under default settings."""
    document: dict[str, Any] = published_app().openapi()
    return document


def render(document: dict[str, Any]) -> str:
    """The committed form: stable key order as FastAPI emits it, two-space indent."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_document(path: Path = DOCUMENT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(published_document()), encoding="utf-8")


def generate_client(document: Path = DOCUMENT, output: Path = CLIENT_DIR) -> None:
    """Regenerate `clients/python` from the committed document with openapi-python-client."""
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    if generator is None:
        raise SystemExit("openapi-python-client is missing: .venv/bin/pip install -e '.[dev]'")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    answer = subprocess.run(  # nosec B603 # the pinned generator, an argument list, no shell
        [
            generator,
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(output),
            "--config",
            str(CLIENT_CONFIG),
            "--meta",
            "setup",
            "--overwrite",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    warnings = {
        line.split(" Endpoint")[0].strip()
        for line in answer.stdout.splitlines()
        if line.startswith("WARNING")
    }
    if answer.returncode != 0 or warnings - EXPECTED_WARNINGS:
        raise SystemExit(f"client generation failed:\n{answer.stdout}\n{answer.stderr}")
    # The formatter's cache is not part of the client.
    shutil.rmtree(output / ".ruff_cache", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-client", action="store_true", help="only write docs/openapi.json")
    args = parser.parse_args()
    write_document()
    print(f"wrote {DOCUMENT.relative_to(ROOT)}")
    if not args.no_client:
        generate_client()
        print(f"regenerated {CLIENT_DIR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
