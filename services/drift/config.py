"""Drift settings."""

from shared.config import BaseServiceSettings


class DriftSettings(BaseServiceSettings):
    """Environment for the drift service (names are the env variables, upper-cased)."""

    training_url: str = "http://127.0.0.1:8002"
