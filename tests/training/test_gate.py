"""The promotion gate's rules, including metrics where lower is better."""

import math

from services.training.modeling.gate import GateConfig, decide

GOOD = {"accuracy": 0.9, "roc_auc": 0.95, "log_loss": 0.25}


def test_floor_comes_first_and_nan_never_passes() -> None:
    low = decide(candidate=GOOD | {"accuracy": 0.8}, production=None, config=GateConfig())
    assert not low.promote and "below the floor 0.8500" in low.reason
    unscored = decide(candidate=GOOD | {"roc_auc": math.nan}, production=GOOD, config=GateConfig())
    assert not unscored.promote


def test_margin_applies_to_higher_is_better_metrics() -> None:
    config = GateConfig(min_improvement=0.01)
    assert not decide(candidate=GOOD, production=GOOD | {"roc_auc": 0.945}, config=config).promote
    assert decide(candidate=GOOD, production=GOOD | {"roc_auc": 0.94}, config=config).promote


def test_log_loss_must_go_down_by_the_margin() -> None:
    config = GateConfig(primary_metric="log_loss", min_improvement=0.02)
    worse = decide(candidate=GOOD, production=GOOD | {"log_loss": 0.26}, config=config)
    assert not worse.promote and "log_loss 0.2500 does not beat production 0.2600" in worse.reason
    better = decide(candidate=GOOD, production=GOOD | {"log_loss": 0.30}, config=config)
    assert better.promote and better.reason.startswith("log_loss 0.2500 beats production 0.3000")
