"""Every dashboard query and alert rule names a metric the running services really export."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from ops.stack import START_ORDER
from tests.monitoring.conftest import MonitoredStack
from tests.monitoring.promql import PROMETHEUS_OWN, Exported, Selector, selectors

MONITORING = Path(__file__).resolve().parents[2] / "deploy" / "monitoring"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "ml-pipeline.json"
RULES = MONITORING / "prometheus" / "rules.yml"
# Labels Prometheus attaches at scrape time.
TARGET_LABELS = {"job", "instance"}


def dashboard_queries() -> list[str]:
    board = json.loads(DASHBOARD.read_text())
    queries = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    queries += [a["expr"] for a in board["annotations"]["list"] if "expr" in a]
    return queries


def rule_queries() -> list[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


def unresolved(queries: list[str], exported: Exported) -> list[tuple[str, Selector]]:
    missing = []
    for query in queries:
        for selector in selectors(query):
            if selector.metric in PROMETHEUS_OWN:
                continue
            seen = exported.labels.get(selector.metric)
            known = selector.metric in exported.names
            if not known or (seen and not selector.labels <= seen | TARGET_LABELS):
                missing.append((query, selector))
    return missing


@pytest.fixture(scope="module")
def exported(monitored_stack: MonitoredStack) -> Exported:
    """/metrics of all four services after a prediction, a drift check and a training job."""
    gateway = monitored_stack.gateway
    with httpx.Client(timeout=60) as client:
        headers = monitored_stack.admin_headers(client)
        body: dict[str, Any] = {"idade": 30, "renda_anual": 40_000.0}
        assert client.post(f"{gateway}/v1/predict", json=body, headers=headers).status_code == 200
        check = client.post(f"{gateway}/v1/drift/checks", json={}, headers=headers)
        assert check.status_code == 200, check.text
        pages = Exported(names=set(), labels={})
        stack = monitored_stack.stack
        for service in START_ORDER:
            # The gateway's public port has no /metrics: it is served on its own port.
            url = stack.metrics_url() if service == "gateway" else f"{stack.url(service)}/metrics"
            answer = client.get(url)
            assert answer.status_code == 200
            pages.add_page(answer.text)
    return pages


@pytest.mark.e2e
def test_every_dashboard_query_resolves_against_live_metrics(exported: Exported) -> None:
    queries = dashboard_queries()
    assert len(queries) >= 20
    assert unresolved(queries, exported) == []


@pytest.mark.e2e
def test_every_alert_rule_resolves_against_live_metrics(exported: Exported) -> None:
    assert unresolved(rule_queries(), exported) == []


@pytest.mark.e2e
def test_the_plan_metric_names_are_exported(exported: Exported) -> None:
    assert {
        "ml_api_requests_total",
        "ml_api_request_duration_seconds_bucket",
        "ml_model_accuracy",
    } <= exported.names


@pytest.mark.e2e
def test_a_misnamed_metric_or_label_is_caught(exported: Exported) -> None:
    wrong = [
        'sum(rate(ml_api_request_total{job="gateway"}[5m]))',
        'sum by (job) (rate(ml_api_requests_total{route="/v1/predict"}[5m]))',
    ]
    found = unresolved(wrong, exported)
    assert [s.metric for _, s in found] == ["ml_api_request_total", "ml_api_requests_total"]


def test_selectors_read_names_not_functions_keywords_or_labels() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (job, le) (rate(x_bucket{handler=~"/v1/.*"}[5m])))'
        ' / on (job) group_left y_total > 0.1 and z unless up{job="drift"} == 0'
    )
    assert list(selectors(expr)) == [
        Selector("x_bucket", frozenset({"handler"})),
        Selector("y_total", frozenset()),
        Selector("z", frozenset()),
        Selector("up", frozenset({"job"})),
    ]
