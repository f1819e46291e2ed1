"""Both candidate families compile to ONNX graphs that agree with scikit-learn."""

import numpy as np
import pytest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from services.inference.compiled import TOLERANCE, OnnxModel, disagreement
from services.training import synthetic
from services.training.modeling import candidates
from services.training.modeling.onnx_export import OnnxExportError, export_onnx


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    frame = synthetic.generate_customers(6_000, seed=7)
    X, y = candidates.features_and_target(frame)
    return X.to_numpy(dtype=np.float64), y


@pytest.mark.parametrize("family", ["logistic_regression", "hist_gradient_boosting"])
def test_family_compiles_and_agrees(data: tuple[np.ndarray, np.ndarray], family: str) -> None:
    X, y = data
    pipeline = candidates.build_candidates(seed=7)[family].fit(X, y)
    compiled = OnnxModel(export_onnx(pipeline))
    # Edge rows too: thresholds of the trees sit between observed values.
    rows = np.vstack([X, [[18.0, 0.0], [100.0, 10_000_000.0], [35.0, 85_000.005]]])
    assert disagreement(compiled, pipeline, rows) <= TOLERANCE
    one = compiled.predict_proba(rows[:1])
    assert one.shape == (1,) and 0.0 <= one[0] <= 1.0


def test_unknown_function_is_refused(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    pipeline = candidates.build_candidates(seed=7)["logistic_regression"]
    odd = Pipeline([("odd", FunctionTransformer(np.sqrt)), *pipeline.steps]).fit(X, y)
    with pytest.raises(OnnxExportError, match="FunctionTransformer"):
        export_onnx(odd)
