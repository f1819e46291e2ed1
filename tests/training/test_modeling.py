import warnings
from datetime import UTC, datetime
from pathlib import Path

import mlflow.sklearn
import numpy as np
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from skops.io.exceptions import UntrustedTypesFoundException
from threadpoolctl import threadpool_limits

from services.training.modeling.candidates import (
    FEATURES,
    CandidateScore,
    build_candidates,
    cross_validate_candidates,
    evaluate,
    feature_frame,
    features_and_target,
    fit_best,
    holdout_split,
    model_pip_requirements,
    predict_probability,
    reference_sample,
)
from services.training.synthetic import generate_customers
from shared.registry import SKOPS_TRUSTED_TYPES, load_skops_model

START = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    return features_and_target(generate_customers(20_000, seed=13, start=START))


@pytest.fixture(scope="module")
def fitted(data: tuple[pd.DataFrame, np.ndarray]) -> dict[str, Pipeline]:
    X, y = data
    with threadpool_limits(limits=1):
        return {
            name: model.fit(X.iloc[:5_000], y[:5_000])
            for name, model in build_candidates(seed=1).items()
        }


def test_candidates_include_logistic_and_boosting() -> None:
    candidates = build_candidates(seed=0)
    assert {"logistic_regression", "hist_gradient_boosting"} <= set(candidates)
    assert all(isinstance(model, Pipeline) for model in candidates.values())


def test_feature_frame_orders_columns_and_checks_shape() -> None:
    frame = pd.DataFrame({"renda_anual": [1000.0], "extra": ["x"], "idade": [30]})
    assert list(feature_frame(frame).columns) == list(FEATURES)
    assert feature_frame(np.array([[30, 1000.0]])).iloc[0].tolist() == [30.0, 1000.0]
    with pytest.raises(ValueError, match="expected shape"):
        feature_frame(np.array([30.0, 1000.0, 5.0]))


def test_dataframe_and_ndarray_predictions_agree_without_warnings(
    data: tuple[pd.DataFrame, np.ndarray], fitted: dict[str, Pipeline]
) -> None:
    X, _ = data
    as_frame, as_array = X[:500], X[:500].to_numpy(dtype=np.float64)
    for model in fitted.values():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            from_frame = model.predict_proba(as_frame)
            from_array = model.predict_proba(as_array)
            single = model.predict_proba(np.array([[35.0, 52_000.0]]))
        np.testing.assert_allclose(from_frame, from_array)
        assert single.shape == (1, 2)


def test_holdout_split_is_stratified(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    X_train, X_test, y_train, y_test = holdout_split(X, y, test_size=0.25, seed=3)
    assert len(X_test) == 5_000 and len(X_train) == 15_000
    assert y_test.mean() == pytest.approx(y.mean(), abs=0.001)
    assert y_train.mean() == pytest.approx(y.mean(), abs=0.001)
    assert not set(X_train.index) & set(X_test.index)


def test_best_cv_candidate_generalises(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    X_train, X_test, y_train, y_test = holdout_split(X, y, seed=5)
    candidates = build_candidates(seed=5)
    scores = cross_validate_candidates(X_train, y_train, candidates=candidates, seed=5)
    assert [s.mean["roc_auc"] for s in scores] == sorted(
        (s.mean["roc_auc"] for s in scores), reverse=True
    )
    for score in scores:
        assert set(score.mean) == set(score.std) == {"roc_auc", "accuracy", "f1", "log_loss"}
        assert 0.0 < score.mean["log_loss"] < 0.5 and all(v >= 0 for v in score.std.values())
        assert score.rows == 16_000 and score.folds == 5
    name, model = fit_best(X_train, y_train, candidates=candidates, scores=scores)
    assert name == scores[0].name
    assert evaluate(model, X_test, y_test)["accuracy"] > 0.85


def test_cv_subsamples_above_max_rows_and_sorts_log_loss_ascending(
    data: tuple[pd.DataFrame, np.ndarray],
) -> None:
    X, y = data
    scores = cross_validate_candidates(
        X,
        y,
        candidates=build_candidates(seed=2),
        primary_metric="log_loss",
        folds=3,
        seed=2,
        max_rows=3_000,
    )
    assert all(score.rows == 3_000 and score.folds == 3 for score in scores)
    assert scores[0].mean["log_loss"] <= scores[-1].mean["log_loss"]
    assert scores[0].to_dict()["name"] == scores[0].name


def test_cv_rejects_unknown_metric(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    with pytest.raises(ValueError, match="primary_metric"):
        cross_validate_candidates(X, y, candidates={}, primary_metric="gini", seed=0)


def test_fit_best_refits_a_fresh_copy(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    candidates = build_candidates(seed=0)
    score = CandidateScore("logistic_regression", {}, {}, rows=0, folds=0, seconds=0.0)
    name, model = fit_best(X.iloc[:2_000], y[:2_000], candidates=candidates, scores=[score])
    assert name == "logistic_regression"
    assert model is not candidates[name]
    assert not hasattr(candidates[name].named_steps["model"], "coef_")


def test_evaluate_metrics_are_consistent(
    data: tuple[pd.DataFrame, np.ndarray], fitted: dict[str, Pipeline]
) -> None:
    X, y = data
    model = fitted["logistic_regression"]
    metrics = evaluate(model, X[10_000:], y[10_000:])
    expected = {"roc_auc", "accuracy", "f1", "precision", "recall", "log_loss", "brier"}
    assert set(metrics) == expected | {"positive_rate"}
    assert all(0.0 <= value <= 1.0 for key, value in metrics.items() if key != "log_loss")
    predicted = model.predict(X[10_000:])
    assert metrics["positive_rate"] == pytest.approx(predicted.mean())
    assert metrics["accuracy"] == pytest.approx((predicted == y[10_000:]).mean())
    assert metrics["roc_auc"] > 0.9


def test_evaluate_with_one_class_gives_nan_auc(
    data: tuple[pd.DataFrame, np.ndarray], fitted: dict[str, Pipeline]
) -> None:
    X, y = data
    positives = y == 1
    metrics = evaluate(fitted["logistic_regression"], X[positives][:200], y[positives][:200])
    assert np.isnan(metrics["roc_auc"])
    assert metrics["accuracy"] == pytest.approx(metrics["recall"])


def test_reference_sample_holds_inputs_and_probability(
    data: tuple[pd.DataFrame, np.ndarray], fitted: dict[str, Pipeline]
) -> None:
    X, _ = data
    model = fitted["hist_gradient_boosting"]
    sample = reference_sample(model, X, size=1_000, seed=4)
    assert list(sample.columns) == [*FEATURES, "probability"]
    assert len(sample) == 1_000 and sample["idade"].dtype == np.int64
    np.testing.assert_allclose(sample["probability"], predict_probability(model, sample))
    pd.testing.assert_frame_equal(sample, reference_sample(model, X, size=1_000, seed=4))
    assert len(reference_sample(model, X[:50], size=1_000, seed=4)) == 50


@pytest.mark.parametrize("name", ["logistic_regression", "hist_gradient_boosting"])
def test_mlflow_skops_round_trip(name: str, fitted: dict[str, Pipeline], tmp_path: Path) -> None:
    model = fitted[name]
    probe = np.array([[18.0, 0.0], [45.0, 60_000.0], [100.0, 10_000_000.0]])
    mlflow.sklearn.save_model(
        model,
        tmp_path / "model",
        serialization_format="skops",
        skops_trusted_types=SKOPS_TRUSTED_TYPES,
        pip_requirements=model_pip_requirements(),
    )
    through_mlflow = mlflow.sklearn.load_model(str(tmp_path / "model"))
    np.testing.assert_array_equal(through_mlflow.predict_proba(probe), model.predict_proba(probe))
    ours = load_skops_model(tmp_path / "model")
    np.testing.assert_array_equal(ours.predict_proba(probe), model.predict_proba(probe))


def test_skops_refuses_boosting_without_trusted_types(
    fitted: dict[str, Pipeline], tmp_path: Path
) -> None:
    with pytest.raises(MlflowException, match="untrusted types"):
        mlflow.sklearn.save_model(
            fitted["hist_gradient_boosting"],
            tmp_path / "model",
            serialization_format="skops",
            pip_requirements=model_pip_requirements(),
        )


def test_load_pipeline_ignores_the_artifacts_own_allow_list(
    data: tuple[pd.DataFrame, np.ndarray], tmp_path: Path
) -> None:
    X, y = data
    unexpected = Pipeline(
        [
            ("shape", FunctionTransformer(np.atleast_2d)),
            *build_candidates(seed=0)["logistic_regression"].steps,
        ]
    ).fit(X.iloc[:500], y[:500])
    mlflow.sklearn.save_model(
        unexpected,
        tmp_path / "model",
        serialization_format="skops",
        skops_trusted_types=[*SKOPS_TRUSTED_TYPES, "numpy.atleast_2d"],
        pip_requirements=model_pip_requirements(),
    )
    with pytest.raises(UntrustedTypesFoundException):
        load_skops_model(tmp_path / "model")
