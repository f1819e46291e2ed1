"""Pseudonyms: their form, key versions, the gateway's body rewrite, and A/B stickiness."""

import json

import pytest
from pydantic import SecretStr, ValidationError

from services.gateway.config import GatewaySettings
from services.inference.experiments import assignment_unit
from services.inference.routing import assign_variant
from shared.pseudonym import (
    PseudonymKeys,
    is_pseudonym,
    pseudonymise_body,
    sticky_pseudonym,
    storable_customer_id,
    stored_pseudonym,
)
from shared.tracing import scrub_span, span_details

OLD = PseudonymKeys.from_settings(key="old-key-0123456789abcdef0123456789", version="v1")
ROTATED = PseudonymKeys.from_settings(
    key="new-key-0123456789abcdef0123456789",
    version="v2",
    retired="v1=old-key-0123456789abcdef0123456789",
)


def test_a_pseudonym_names_its_key_version_and_hides_the_id() -> None:
    value = OLD.pseudonym("c-981")
    assert is_pseudonym(value) and value.startswith("v1:") and "c-981" not in value
    assert value == OLD.pseudonym("c-981")  # stable
    assert value != OLD.pseudonym("c-982")
    other_key = PseudonymKeys.from_settings(key="another-key-0123456789abcdef01234", version="v1")
    assert other_key.pseudonym("c-981") != value  # keyed, not a bare hash


def test_after_rotation_new_rows_use_the_new_key_and_old_rows_stay_findable() -> None:
    forwarded = ROTATED.forwarded("c-981")
    assert stored_pseudonym(forwarded) == ROTATED.pseudonym("c-981", version="v2")
    assert ROTATED.every_pseudonym("c-981") == [
        ROTATED.pseudonym("c-981", version="v2"),
        OLD.pseudonym("c-981"),
    ]


def test_ab_assignment_survives_a_key_rotation_during_an_experiment() -> None:
    customers = [f"c-{i}" for i in range(400)]

    def variants(keys: PseudonymKeys) -> list[str]:
        return [
            assign_variant(
                experiment_id="exp-1",
                unit=assignment_unit(
                    customer_id=keys.forwarded(c), subject="caller", request_id="r"
                ),
                traffic=0.5,
            )
            for c in customers
        ]

    before = variants(OLD)
    assert set(before) == {"production", "challenger"}
    assert variants(ROTATED) == before
    assert sticky_pseudonym(ROTATED.forwarded("c-1")) == OLD.pseudonym("c-1")


def test_only_pseudonyms_are_ever_storable() -> None:
    assert storable_customer_id(ROTATED.forwarded("c-1")) == ROTATED.pseudonym("c-1")
    assert storable_customer_id("c-1") is None  # a raw id that skipped the gateway
    assert storable_customer_id(None) is None


def test_the_body_rewrite_replaces_every_customer_id() -> None:
    single = pseudonymise_body(b'{"idade": 35, "renda_anual": 1.5, "customer_id": "c-1"}', OLD)
    assert json.loads(single) == {
        "idade": 35,
        "renda_anual": 1.5,
        "customer_id": OLD.pseudonym("c-1"),
    }
    batch = json.dumps(
        {
            "instances": [
                {"idade": 30, "renda_anual": 1.0, "customer_id": f"c-{i}"} for i in range(3)
            ]
            + [{"idade": 30, "renda_anual": 1.0}]
        }
    ).encode()
    rewritten = json.loads(pseudonymise_body(batch, OLD))["instances"]
    assert [item.get("customer_id") for item in rewritten] == [
        *(OLD.pseudonym(f"c-{i}") for i in range(3)),
        None,
    ]


def test_an_escaped_key_name_is_caught_and_a_body_without_ids_is_untouched() -> None:
    escaped = b'{"idade": 35, "renda_anual": 1.5, "customer\\u005fid": "c-1"}'
    assert b"c-1" not in pseudonymise_body(escaped, OLD)
    plain = b'{"idade": 35, "renda_anual": 1.5}'
    assert pseudonymise_body(plain, OLD) is plain


def test_settings_refuse_a_reused_or_weak_key() -> None:
    secret = "jwt-secret-0123456789abcdef0123456789"
    with pytest.raises(ValidationError, match="must not reuse"):
        GatewaySettings(jwt_secret=SecretStr(secret), pseudonym_key=SecretStr(secret))
    with pytest.raises(ValidationError, match="PSEUDONYM_KEY"):
        GatewaySettings(
            environment="prod",
            jwt_secret=SecretStr(secret),
            service_key=SecretStr("service-key-0123456789abcdef0123456789"),
        )
    with pytest.raises(ValidationError, match="version"):
        GatewaySettings(pseudonym_retired_keys=SecretStr("v1=another-key-0123456789abcdefgh"))


def test_traces_name_the_route_never_the_customer_id() -> None:
    attributes: dict[str, str] = {}

    class Span:
        def set_attribute(self, key: str, value: str) -> None:
            attributes[key] = value

    scope = {"method": "DELETE", "path": "/v1/customers/c-981"}
    assert span_details(scope)[0] == "DELETE /v1/customers/{customer_id}"
    assert span_details({"method": "GET", "path": "/v1/customers/c-981/data"})[0] == (
        "GET /v1/customers/{customer_id}/data"
    )
    scrub_span(Span(), scope)
    assert attributes and all("c-981" not in value for value in attributes.values())
    scrub_span(Span(), {"path": "/v1/predict"})  # nothing to hide elsewhere
    assert set(attributes) == {"http.target", "url.path", "http.url", "url.full"}
