"""The breaking-change comparer, on mutations of our own published document."""

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ops.openapi import DOCUMENT
from ops.openapi_diff import breaking_changes, main

Document = dict[str, Any]
BASE: Document = json.loads(DOCUMENT.read_text(encoding="utf-8"))


def _changed(mutate: Callable[[Document], None]) -> Document:
    document = copy.deepcopy(BASE)
    mutate(document)
    return document


def _schema(document: Document, name: str) -> Document:
    schema: Document = document["components"]["schemas"][name]
    return schema


def _remove_path(d: Document) -> None:
    del d["paths"]["/v1/models"]


def _remove_operation(d: Document) -> None:
    del d["paths"]["/v1/experiments/ab"]["delete"]


def _new_required_field(d: Document) -> None:
    request = _schema(d, "PredictRequest")
    request["properties"]["segment"] = {"type": "string"}
    request["required"].append("segment")


def _optional_became_required(d: Document) -> None:
    _schema(d, "PredictRequest")["required"].append("customer_id")


def _narrowed_maximum(d: Document) -> None:
    _schema(d, "PredictRequest")["properties"]["idade"]["maximum"] = 90


def _narrowed_type(d: Document) -> None:
    _schema(d, "PredictRequest")["properties"]["renda_anual"]["type"] = "integer"


def _narrowed_option(d: Document) -> None:
    _schema(d, "PredictRequest")["properties"]["customer_id"]["anyOf"][0]["maxLength"] = 16


def _removed_request_field(d: Document) -> None:
    del _schema(d, "PredictRequest")["properties"]["customer_id"]


def _removed_response_field(d: Document) -> None:
    response = _schema(d, "PredictionResponse")
    del response["properties"]["probability"]
    response["required"].remove("probability")


def _response_field_optional(d: Document) -> None:
    _schema(d, "PredictionResponse")["required"].remove("probability")


def _widened_response_type(d: Document) -> None:
    _schema(d, "PredictionResponse")["properties"]["probability"]["type"] = ["number", "string"]


def _new_required_parameter(d: Document) -> None:
    d["paths"]["/v1/models"]["get"]["parameters"] = [
        {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
    ]


def _new_scope(d: Document) -> None:
    d["paths"]["/v1/predict"]["post"]["security"] = [{"OAuth2PasswordBearer": ["admin"]}]


def _success_status_changed(d: Document) -> None:
    responses = d["paths"]["/v1/feedback"]["post"]["responses"]
    responses["200"] = responses.pop("202")


@pytest.mark.parametrize(
    ("mutate", "where", "what"),
    [
        (_remove_path, "/v1/models", "path removed"),
        (_remove_operation, "DELETE /v1/experiments/ab", "operation removed"),
        (_new_required_field, "POST /v1/predict request .segment", "new required field"),
        (_optional_became_required, "request .customer_id", "field became required"),
        (_narrowed_maximum, "request .idade", "maximum narrowed to 90"),
        (_narrowed_type, "request .renda_anual", "type narrowed: no longer accepts number"),
        (_narrowed_option, "request .customer_id", "maxLength narrowed to 16"),
        (_removed_request_field, "request .customer_id", "request field removed"),
        (_removed_response_field, "response 200 .probability", "response field removed"),
        (_response_field_optional, ".probability", "no longer always present"),
        (_widened_response_type, ".probability", "type widened: may now be string"),
        (_new_required_parameter, "GET /v1/models query parameter region", "new required"),
        (_new_scope, "POST /v1/predict", "now needs scope(s) admin"),
        (_success_status_changed, "POST /v1/feedback", "success status 202 no longer"),
    ],
)
def test_breaking_change_is_reported(
    mutate: Callable[[Document], None], where: str, what: str
) -> None:
    changes = breaking_changes(BASE, _changed(mutate))
    assert any(where in c.where and what in c.what for c in changes), changes


def _compatible(d: Document) -> None:
    request = _schema(d, "PredictRequest")
    request["properties"]["channel"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    request["properties"]["idade"]["maximum"] = 120
    request["properties"]["idade"]["type"] = "number"
    response = _schema(d, "PredictionResponse")
    response["properties"]["explanation"] = {"type": "string"}
    response["required"].append("explanation")
    d["paths"]["/v2/predict"] = copy.deepcopy(d["paths"]["/v1/predict"])
    d["paths"]["/v1/models"]["get"]["parameters"] = [
        {"name": "region", "in": "query", "required": False, "schema": {"type": "string"}}
    ]
    d["paths"]["/v1/predict"]["post"]["deprecated"] = True


def test_additions_and_widened_requests_are_compatible() -> None:
    assert breaking_changes(BASE, _changed(_compatible)) == []
    assert breaking_changes(BASE, BASE) == []


def test_command_line_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(BASE))
    new.write_text(json.dumps(_changed(_remove_path)))
    assert main([str(old), str(old)]) == 0
    assert main([str(old), str(new)]) == 1
    assert "/v1/models: path removed" in capsys.readouterr().out
