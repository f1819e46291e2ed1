"""The compiled (ONNX Runtime) form of a model, used only once it agrees with scikit-learn.

One ONNX Runtime call costs ≈ 10–20 µs against scikit-learn's ≈ 0.5–2 ms per call, so a
verified ONNX form is what serves. Training logs it beside the sklearn model; at load inference
scores the stored input example and reference sample with both and keeps the ONNX form only if
every probability agrees within `TOLERANCE`. Otherwise (or with no ONNX form) sklearn serves,
and the reason is logged and exported as a metric.
"""

from typing import Any

import numpy as np

TOLERANCE = 1e-6
ONNX_ARTIFACT = "onnx/model.onnx"


class OnnxModel:
    """An ONNX Runtime session scoring (n, 2) float64 rows; one thread, requests are parallel."""

    def __init__(self, payload: bytes) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            payload, options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name
        self._output = ["probabilities"]

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        """Probability of purchase for each row."""
        scored: Any = self._session.run(self._output, {self._input: rows})[0]
        return np.asarray(scored[:, 1], dtype=np.float64)


def disagreement(compiled: OnnxModel, estimator: Any, rows: np.ndarray) -> float:
    """The largest |Δ probability| between the ONNX form and the sklearn model on `rows`."""
    expected = np.asarray(estimator.predict_proba(rows)[:, 1], dtype=np.float64)
    return float(np.max(np.abs(compiled.predict_proba(rows) - expected), initial=0.0))
