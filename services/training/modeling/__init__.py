"""Modelling: data quality, candidate pipelines, the promotion gate and one training run."""
