"""The published contract: docs/openapi.json is what the gateway serves, valid and compatible.

When the first test fails because a route legitimately changed, run `make openapi` and commit
docs/openapi.json and clients/python with the change: the diff is the contract review.
"""

import difflib
import json
from pathlib import Path
from typing import Any

import httpx
from openapi_spec_validator import validate

from ops.openapi import (
    CLIENT_DIR,
    DOCUMENT,
    PREVIOUS_RELEASE,
    generate_client,
    published_app,
    render,
)
from ops.openapi_diff import breaking_changes

REGENERATE = "run `make openapi` and commit docs/openapi.json and clients/python"


def _committed(path: Path = DOCUMENT) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


async def _served() -> dict[str, Any]:
    transport = httpx.ASGITransport(app=published_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        answer = await client.get("/openapi.json")
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


async def test_served_document_is_the_committed_one() -> None:
    served, committed = await _served(), _committed()
    if served != committed:
        diff = difflib.unified_diff(
            render(committed).splitlines(),
            render(served).splitlines(),
            "docs/openapi.json (committed)",
            "/openapi.json (served)",
            lineterm="",
            n=2,
        )
        shown = "\n".join(list(diff)[:60])
        raise AssertionError(
            f"The served contract differs from docs/openapi.json: {REGENERATE}.\n{shown}"
        )


def test_committed_document_is_valid_openapi() -> None:
    validate(_committed())  # raises with the offending path when invalid
    validate(_committed(PREVIOUS_RELEASE))


def test_no_breaking_change_since_the_previous_release() -> None:
    changes = breaking_changes(_committed(PREVIOUS_RELEASE), _committed())
    assert not changes, (
        "Breaking changes against docs/openapi.previous-release.json (add a /v2 route or "
        "deprecate first, see the README's versioning policy):\n"
        + "\n".join(f"  {change}" for change in changes)
    )


def _files(root: Path) -> dict[Path, bytes]:
    """A client's source files; caches that tools leave behind don't count."""
    return {
        path.relative_to(root): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not {"__pycache__", ".ruff_cache", ".mypy_cache"} & set(path.parts)
    }


def test_python_client_is_generated_from_the_committed_document(tmp_path: Path) -> None:
    output = tmp_path / "python"
    generate_client(DOCUMENT, output)
    generated, committed = _files(output), _files(CLIENT_DIR)
    stale = sorted(
        str(p) for p in set(generated) | set(committed) if generated.get(p) != committed.get(p)
    )
    assert not stale, f"clients/python is stale ({', '.join(stale[:10])}): {REGENERATE}"
