"""Text that Postgres or a log line cannot hold is refused at the edge, never a 5xx."""

import subprocess
import sys

import pytest

from tests.gateway.conftest import Gateway

POISON = {
    "nul": '"c\\u0000x"',
    "escape": '"c\\u001bx"',
    "c1-control": '"c\\u0085x"',
    "lone-surrogate": '"c\\ud800x"',
}


@pytest.mark.parametrize("text", POISON.values(), ids=POISON)
async def test_poisoned_customer_id_is_refused(gateway: Gateway, text: str) -> None:
    body = f'{{"idade": 35, "renda_anual": 1.0, "customer_id": {text}}}'
    answer = await gateway.client.post(
        "/v1/predict",
        content=body,
        headers={**await gateway.auth(), "Content-Type": "application/json"},
    )
    assert answer.status_code in (400, 422), answer.text
    assert answer.json()["error"]["type"] in ("validation_error", "malformed_json")


async def test_poisoned_sign_in_name_is_a_plain_401(gateway: Gateway) -> None:
    answer = await gateway.client.post(
        "/auth/token", data={"username": "ad\x00min", "password": "x"}
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["type"] == "invalid_credentials"


def test_users_command_refuses_control_characters() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "services.gateway.users", "eve\x1b[31m", "--scopes", "predict"],
        input="eve-password-1\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "control characters" in done.stderr
