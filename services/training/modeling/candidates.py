"""Candidate pipelines, cross-validation, holdout evaluation and the drift reference sample.

Every pipeline starts with `np.asarray`, so it accepts a DataFrame or a float ndarray with
columns in `FEATURES` order and never warns about feature names either way; the income log
transform and scaling live inside the pipeline, so serving applies exactly what training did.
"""

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, PolynomialFeatures, StandardScaler
from threadpoolctl import threadpool_limits

from shared import registry
from shared.contract import FEATURES, LABEL

DECISION_THRESHOLD = 0.5
# Packages the loading side needs; pinned to what trained the model.
_RUNTIME_PACKAGES = ("scikit-learn", "skops", "numpy", "scipy")
# CV scorer names; log_loss is negated by sklearn and flipped back when reported.
_SCORERS = {"roc_auc": "roc_auc", "accuracy": "accuracy", "f1": "f1", "log_loss": "neg_log_loss"}
_LOWER_IS_BETTER = frozenset({"log_loss"})

FeatureInput = pd.DataFrame | np.ndarray
TargetInput = pd.Series | np.ndarray


@dataclass(frozen=True)
class CandidateScore:
    """Cross-validated metrics of one candidate: mean and std over folds."""

    name: str
    mean: dict[str, float]
    std: dict[str, float]
    rows: int
    folds: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return asdict(self)


def _to_matrix() -> FunctionTransformer:
    # validate=False: feature names are recorded at fit but not checked at transform.
    return FunctionTransformer(np.asarray, validate=False)


def build_candidates(*, seed: int) -> dict[str, Pipeline]:
    """Return the unfitted candidate pipelines keyed by name."""
    income_log = ColumnTransformer(
        [("idade", "passthrough", [0]), ("log_renda", FunctionTransformer(np.log1p), [1])]
    )
    logistic = Pipeline(
        [
            ("matrix", _to_matrix()),
            ("features", income_log),
            ("scale", StandardScaler()),
            # Squared terms let a linear model express the concave age effect.
            ("poly", PolynomialFeatures(degree=2, include_bias=False)),
            ("model", LogisticRegression(C=1.0, max_iter=1000)),
        ]
    )
    boosting = Pipeline(
        [
            ("matrix", _to_matrix()),
            (
                "model",
                HistGradientBoostingClassifier(
                    max_iter=200,
                    learning_rate=0.1,
                    max_leaf_nodes=15,
                    min_samples_leaf=40,
                    l2_regularization=1.0,
                    early_stopping=True,
                    random_state=seed,
                ),
            ),
        ]
    )
    return {"logistic_regression": logistic, "hist_gradient_boosting": boosting}


def feature_frame(X: FeatureInput) -> pd.DataFrame:
    """Return the model inputs as a float DataFrame with columns in `FEATURES` order."""
    if isinstance(X, pd.DataFrame):
        return X.loc[:, list(FEATURES)].astype(np.float64)
    matrix = np.asarray(X, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != len(FEATURES):
        raise ValueError(f"expected shape (n, {len(FEATURES)}), got {matrix.shape}")
    return pd.DataFrame(matrix, columns=list(FEATURES))


def target_vector(y: TargetInput) -> np.ndarray:
    """Return the label as a 0/1 int array."""
    return np.asarray(y).astype(np.int64)


def features_and_target(df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Split a prepared frame into model inputs and the 0/1 label."""
    return feature_frame(df), target_vector(df[LABEL])


def holdout_split(
    X: FeatureInput, y: TargetInput, *, test_size: float | int = 0.2, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """Stratified split into (X_train, X_test, y_train, y_test); an int size counts rows."""
    target = target_vector(y)
    X_train, X_test, y_train, y_test = train_test_split(
        feature_frame(X), target, test_size=test_size, stratify=target, random_state=seed
    )
    return X_train, X_test, y_train, y_test


def _subsample(
    X: pd.DataFrame, y: np.ndarray, *, max_rows: int, seed: int
) -> tuple[pd.DataFrame, np.ndarray]:
    if len(X) <= max_rows:
        return X, y
    X_small, _, y_small, _ = train_test_split(
        X, y, train_size=max_rows, stratify=y, random_state=seed
    )
    return X_small, y_small


def _score_candidate(
    name: str, model: Pipeline, X: pd.DataFrame, y: np.ndarray, splitter: StratifiedKFold
) -> CandidateScore:
    began = time.perf_counter()
    results = cross_validate(model, X, y, cv=splitter, scoring=_SCORERS, n_jobs=1)
    mean: dict[str, float] = {}
    std: dict[str, float] = {}
    for metric in _SCORERS:
        values = results[f"test_{metric}"] * (-1.0 if metric in _LOWER_IS_BETTER else 1.0)
        mean[metric], std[metric] = float(np.mean(values)), float(np.std(values))
    seconds = time.perf_counter() - began
    return CandidateScore(name, mean, std, len(X), splitter.get_n_splits(), seconds)


def cross_validate_candidates(
    X: FeatureInput,
    y: TargetInput,
    *,
    candidates: Mapping[str, Pipeline],
    primary_metric: str = "roc_auc",
    folds: int = 5,
    seed: int,
    max_rows: int = 200_000,
    threads: int = 1,
) -> list[CandidateScore]:
    """Score each candidate with stratified k-fold CV, best first by `primary_metric`.

    Above `max_rows`, CV runs on a stratified subsample of `max_rows` rows: candidate ranking
    is stable at that size and the full data is still used by `fit_best`. `threads` caps
    OpenMP/BLAS threads: on a small machine shared with other services, extra threads spin
    against busy cores and made gradient boosting up to 20x slower in measurements here.
    """
    if primary_metric not in _SCORERS:
        raise ValueError(f"primary_metric must be one of {sorted(_SCORERS)}")
    X_cv, y_cv = _subsample(feature_frame(X), target_vector(y), max_rows=max_rows, seed=seed)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with threadpool_limits(limits=threads):
        scores = [_score_candidate(name, m, X_cv, y_cv, splitter) for name, m in candidates.items()]
    sign = 1.0 if primary_metric in _LOWER_IS_BETTER else -1.0
    return sorted(scores, key=lambda score: sign * score.mean[primary_metric])


def fit_best(
    X: FeatureInput,
    y: TargetInput,
    *,
    candidates: Mapping[str, Pipeline],
    scores: Sequence[CandidateScore],
    threads: int = 1,
) -> tuple[str, Pipeline]:
    """Fit a fresh copy of the best-scored candidate on all of X and return (name, model)."""
    name = scores[0].name
    model: Pipeline = clone(candidates[name])
    with threadpool_limits(limits=threads):
        model.fit(feature_frame(X), target_vector(y))
    return name, model


def predict_probability(model: Pipeline, X: FeatureInput, *, threads: int = 1) -> np.ndarray:
    """Return P(comprou_produto) for each row, capping OpenMP/BLAS threads at `threads`."""
    with threadpool_limits(limits=threads):
        probability = model.predict_proba(feature_frame(X))[:, 1]
    return np.asarray(probability, dtype=np.float64)


def evaluate(model: Pipeline, X: FeatureInput, y: TargetInput) -> dict[str, float]:
    """Score a fitted model on labelled data (roc_auc is NaN when y has one class)."""
    return score_probability(target_vector(y), predict_probability(model, X))


def score_probability(actual: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    """The holdout metrics of predicted probabilities against 0/1 outcomes."""
    predicted = (probability >= DECISION_THRESHOLD).astype(np.int64)
    both_classes = len(np.unique(actual)) == 2
    return {
        "roc_auc": float(roc_auc_score(actual, probability)) if both_classes else float("nan"),
        "accuracy": float(accuracy_score(actual, predicted)),
        "f1": float(f1_score(actual, predicted, zero_division=0)),
        "precision": float(precision_score(actual, predicted, zero_division=0)),
        "recall": float(recall_score(actual, predicted, zero_division=0)),
        "log_loss": float(log_loss(actual, probability, labels=[0, 1])),
        "brier": float(brier_score_loss(actual, probability, pos_label=1)),
        "positive_rate": float(predicted.mean()),
    }


def score_version(*, name: str, version: str, X: FeatureInput, y: TargetInput) -> dict[str, float]:
    """Load a registered version and score it like `evaluate` (blocking: call in a thread)."""
    return evaluate(registry.load_sklearn(name=name, version=version), X, y)


def finite_metrics(metrics: dict[str, float] | None) -> dict[str, float] | None:
    """Drop NaN/inf values so metrics stay JSON-safe."""
    if metrics is None:
        return None
    return {name: value for name, value in metrics.items() if np.isfinite(value)}


def reference_sample(
    model: Pipeline, X: FeatureInput, *, size: int = 5000, seed: int
) -> pd.DataFrame:
    """Return up to `size` random training inputs with the model's predicted probability."""
    frame = feature_frame(X)
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(frame), size=min(size, len(frame)), replace=False)
    sample = frame.iloc[np.sort(rows)].reset_index(drop=True)
    sample["idade"] = sample["idade"].astype(np.int64)
    sample["probability"] = predict_probability(model, sample)
    return sample


def model_pip_requirements() -> list[str]:
    """Return pinned requirements for mlflow.sklearn.log_model/save_model.

    Passing them explicitly skips MLflow's requirement inference, which re-imports the model
    in a subprocess and took 5-10 s per save here (25 ms with the list given).
    """
    return [f"{package}=={version(package)}" for package in _RUNTIME_PACKAGES]
