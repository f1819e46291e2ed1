"""Every setting a service reads is in the README's configuration table, under its env name.

A renamed or new setting without a row fails here; nothing forbids adding documented ones.
"""

import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from services.drift.config import DriftSettings
from services.gateway.config import GatewaySettings
from services.inference.config import InferenceSettings
from services.training.config import TrainingSettings
from shared.notify import NotifySettings
from shared.tracing import TracingSettings

README = Path(__file__).resolve().parents[2] / "README.md"
SETTINGS: list[type[BaseSettings]] = [
    GatewaySettings,
    InferenceSettings,
    TrainingSettings,
    DriftSettings,
    NotifySettings,
    TracingSettings,
]


def _documented() -> set[str]:
    section = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", section))


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda cls: cls.__name__)
def test_every_setting_has_a_row(settings: type[BaseSettings]) -> None:
    names = {(field.alias or name).upper() for name, field in settings.model_fields.items()}
    assert names - _documented() == set()


def test_the_design_names_are_documented() -> None:
    fixed = {"DATABASE_URL", "REDIS_URL", "MLFLOW_TRACKING_URI", "MODEL_NAME", "JWT_SECRET"}
    fixed |= {"ADMIN_USERNAME", "ADMIN_PASSWORD", "INFERENCE_URL", "TRAINING_URL", "DRIFT_URL"}
    assert fixed <= _documented()
