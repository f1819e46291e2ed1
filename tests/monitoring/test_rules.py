"""The alert rules: promtool accepts them, its unit tests pass, every alert has a runbook."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "monitoring" / "prometheus"
RULES = PROMETHEUS / "rules.yml"
RULE_TESTS = PROMETHEUS / "rules.test.yml"


def promtool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool not found: apt-get install prometheus (.ci/run does)", pytrace=False)
    return subprocess.run(
        [found, *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )


def alerts() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_promtool_accepts_the_rules_and_the_scrape_config(tmp_path: Path) -> None:
    checked = promtool("check", "rules", str(RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The compose config names the rules by their path inside the container.
    config = (PROMETHEUS / "prometheus.yml").read_text()
    (tmp_path / "prometheus.yml").write_text(
        config.replace("/etc/prometheus/rules.yml", str(RULES))
    )
    checked = promtool("check", "config", str(tmp_path / "prometheus.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_each_alert_fires_when_it_should_and_not_otherwise(tmp_path: Path) -> None:
    # promtool compares annotations verbatim; runbooks are checked below, so the unit tests
    # run against the same rules without them.
    groups = yaml.safe_load(RULES.read_text())
    for group in groups["groups"]:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(groups, sort_keys=False))
    shutil.copy(RULE_TESTS, tmp_path / "rules.test.yml")
    result = promtool("test", "rules", "rules.test.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr

    cases = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    checks = [check for case in cases for check in case.get("alert_rule_test", [])]
    names = {rule["alert"] for rule in alerts()}
    firing = {c["alertname"] for c in checks if c["exp_alerts"]}
    silent = {c["alertname"] for c in checks if not c["exp_alerts"]}
    # Silence is shown either by a quiet time or by a series in the same case that must not fire.
    shown_by_series = {"DriftDetected", "ErrorRateAbove1Percent", "PredictionLogBacklog"}
    assert firing == names
    assert silent | shown_by_series == names


def test_a_broken_expectation_fails(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(RULES.read_text())
    case = {
        "rule_files": ["rules.yml"],
        "tests": [
            {
                "interval": "1m",
                "input_series": [{"series": 'up{job="drift", instance="d"}', "values": "1x5"}],
                "alert_rule_test": [
                    {
                        "eval_time": "4m",
                        "alertname": "ServiceDown",
                        "exp_alerts": [{"exp_labels": {"severity": "critical"}}],
                    }
                ],
            }
        ],
    }
    (tmp_path / "broken.test.yml").write_text(yaml.safe_dump(case))
    assert promtool("test", "rules", "broken.test.yml", cwd=tmp_path).returncode != 0


def test_every_alert_has_a_severity_a_summary_and_a_runbook() -> None:
    for rule in alerts():
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}, rule["alert"]
        notes = rule["annotations"]
        assert notes["summary"] and notes["description"], rule["alert"]
        runbook = notes["runbook"]
        assert runbook.startswith("Means: ") and " First: " in runbook, rule["alert"]
