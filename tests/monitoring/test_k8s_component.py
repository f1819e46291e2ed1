"""The optional Kubernetes monitoring component: in step with its sources, and it renders."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
COMPONENT = K8S / "components" / "monitoring"
MONITORING = REPO / "deploy" / "monitoring"
SERVICES = ["gateway", "inference", "training", "drift"]


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((COMPONENT / name).read_text())
    return document


def test_rules_and_dashboard_match_their_sources() -> None:
    hint = "run `python deploy/monitoring/render_k8s.py` and commit the result"
    rules = yaml.safe_load((MONITORING / "prometheus" / "rules.yml").read_text())
    assert load("prometheusrule.yaml")["spec"]["groups"] == rules["groups"], hint
    dashboard = MONITORING / "grafana" / "dashboards" / "ml-pipeline.json"
    config_map = load("grafana-dashboard.yaml")
    assert config_map["metadata"]["labels"] == {"grafana_dashboard": "1"}
    assert json.loads(config_map["data"]["ml-pipeline.json"]) == json.loads(dashboard.read_text())


def render(tmp_path: Path) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl not found (it bundles kustomize)", pytrace=False)
    # The production variant with the component, as deploy/k8s/kustomization.yaml would add it.
    base = os.path.relpath(K8S, tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "namespace": "ml-pipeline",
                "resources": [base],
                "components": [f"{base}/components/monitoring"],
            }
        )
    )
    result = subprocess.run(
        [kubectl, "kustomize", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def test_the_component_renders_and_its_pod_monitor_scrapes_every_service(tmp_path: Path) -> None:
    docs = render(tmp_path)
    kinds = {doc["kind"] for doc in docs}
    assert {"PodMonitor", "PrometheusRule", "ConfigMap", "Deployment"} <= kinds
    monitors = [doc for doc in docs if doc["kind"] == "PodMonitor"]
    scraped: list[str] = []
    for monitor in monitors:
        assert monitor["metadata"]["namespace"] == "ml-pipeline"
        (expression,) = monitor["spec"]["selector"]["matchExpressions"]
        (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
        label = monitor["spec"]["jobLabel"]
        for deployment in (doc for doc in docs if doc["kind"] == "Deployment"):
            pod = deployment["spec"]["template"]
            value = pod["metadata"]["labels"].get(expression["key"])
            if value not in expression["values"]:
                continue
            ports = {
                p["name"]: p["containerPort"]
                for c in pod["spec"]["containers"]
                for p in c.get("ports", [])
            }
            assert endpoint["port"] in ports, deployment["metadata"]["name"]
            if value == "gateway":  # its service port is public: never scraped there
                assert ports[endpoint["port"]] != ports["http"]
            scraped.append(pod["metadata"]["labels"][label])
    # job label = service name, as the rules and the dashboard expect; each scraped once.
    assert sorted(scraped) == sorted(SERVICES)
