"""Compile a fitted candidate pipeline to ONNX, so inference can score it in microseconds.

skl2onnx refuses two things our pipelines contain, so this module teaches it both:
- `FunctionTransformer` with a function: ours are only `np.asarray` (identity) and `np.log1p`,
  which map to Identity and Log(x + 1). Any other function is still refused.
- `HistGradientBoostingClassifier`: skl2onnx's own converter fails on current scikit-learn
  ("Expected an int, got a boolean"). Its trees are read here into one TreeEnsembleRegressor
  with double thresholds (so a comparison never flips through float32 rounding), plus the
  baseline and a sigmoid, exactly as scikit-learn computes `predict_proba`.

The graph takes float64 input `X` of shape (n, 2) and outputs `probabilities` (n, 2).
"""

import copy
import functools
import logging
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

ONNX_OPSET = {"": 17, "ai.onnx.ml": 3}
INPUT_NAME = "X"


class OnnxExportError(RuntimeError):
    """The pipeline holds a step that has no ONNX form here."""


def log_onnx(pipeline: Any) -> None:
    """Log the ONNX form to the active MLflow run beside the sklearn model, or tag why not."""
    import mlflow

    try:
        payload = export_onnx(pipeline)
    except OnnxExportError as exc:
        mlflow.set_tag("onnx_export", f"failed: {exc}"[:250])
        logger.warning("no ONNX form: sklearn will serve", extra={"error": str(exc)[:300]})
        return
    with tempfile.TemporaryDirectory(prefix="onnx-") as folder:
        path = Path(folder) / "model.onnx"
        path.write_bytes(payload)
        mlflow.log_artifact(str(path), artifact_path="onnx")
    mlflow.set_tag("onnx_export", "ok")


def export_onnx(pipeline: Any) -> bytes:
    """The fitted pipeline as a serialised ONNX model."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType

    _register_converters()
    final = pipeline.steps[-1][1] if hasattr(pipeline, "steps") else pipeline
    try:
        model = convert_sklearn(
            pipeline,
            initial_types=[(INPUT_NAME, DoubleTensorType([None, 2]))],
            options={id(final): {"zipmap": False}},
            target_opset=ONNX_OPSET,
        )
    except Exception as exc:  # converters raise many kinds; all mean "no ONNX form"
        raise OnnxExportError(f"{type(exc).__name__}: {exc}"[:500]) from exc
    payload: bytes = model.SerializeToString()
    return payload


@functools.cache
def _register_converters() -> None:
    from skl2onnx import update_registered_converter
    from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.preprocessing import FunctionTransformer

    update_registered_converter(
        FunctionTransformer,
        "MlpFunctionTransformer",
        _same_shape,
        _convert_function_transformer,
        parser=_parse_function_transformer,
        overwrite=True,
    )
    update_registered_converter(
        HistGradientBoostingClassifier,
        "MlpHistGradientBoostingClassifier",
        calculate_linear_classifier_output_shapes,
        _convert_hist_gradient_boosting,
        options={"zipmap": [False, True], "nocl": [False, True]},
        overwrite=True,
    )


def _parse_function_transformer(
    scope: Any, model: Any, inputs: list[Any], custom_parsers: Any = None
) -> list[Any]:
    # Declares the output's type at parse time: a ColumnTransformer after this step selects
    # columns by index and needs the width before shapes are inferred.
    operator = scope.declare_local_operator("MlpFunctionTransformer", model)
    operator.inputs = inputs
    operator.outputs.append(scope.declare_local_variable("ft_out", copy.deepcopy(inputs[0].type)))
    return list(operator.outputs)


def _same_shape(operator: Any) -> None:
    operator.outputs[0].type = copy.deepcopy(operator.inputs[0].type)


def _convert_function_transformer(scope: Any, operator: Any, container: Any) -> None:
    func = operator.raw_operator.func
    source, target = operator.inputs[0].full_name, operator.outputs[0].full_name
    if func is None or func is np.asarray:
        _node(scope, container, "Identity", [source], [target])
        return
    if func is not np.log1p:
        raise OnnxExportError(f"no ONNX form for FunctionTransformer({func!r})")
    one = _constant(scope, container, operator, 1.0)
    shifted = scope.get_unique_variable_name("shifted")
    _node(scope, container, "Add", [source, one], [shifted])
    _node(scope, container, "Log", [shifted], [target])


def _convert_hist_gradient_boosting(scope: Any, operator: Any, container: Any) -> None:
    from onnx import numpy_helper

    model = operator.raw_operator
    if getattr(model, "n_trees_per_iteration_", 1) != 1:
        raise OnnxExportError("only binary gradient boosting has an ONNX form here")
    tree = _tree_attributes(model)
    raw = scope.get_unique_variable_name("raw_score")
    container.add_node(
        "TreeEnsembleRegressor",
        [operator.inputs[0].full_name],
        [raw],
        op_domain="ai.onnx.ml",
        op_version=3,
        name=scope.get_unique_operator_name("Trees"),
        n_targets=1,
        aggregate_function="SUM",
        post_transform="NONE",
        nodes_values_as_tensor=numpy_helper.from_array(tree.pop("thresholds")),
        target_weights_as_tensor=numpy_helper.from_array(tree.pop("weights")),
        base_values_as_tensor=numpy_helper.from_array(
            np.array([float(np.ravel(model._baseline_prediction)[0])], dtype=np.float64)
        ),
        **tree,
    )
    _probabilities_from_score(scope, operator, container, raw)


def _tree_attributes(model: Any) -> dict[str, Any]:
    """Every tree's nodes in TreeEnsemble attribute form (thresholds and leaf values as float64)."""
    names = ("treeids", "nodeids", "featureids", "modes", "truenodeids", "falsenodeids")
    nodes: dict[str, list[Any]] = {name: [] for name in (*names, "missing")}
    targets: dict[str, list[int]] = {"treeids": [], "nodeids": [], "ids": []}
    thresholds: list[float] = []
    weights: list[float] = []
    for tree_id, (predictor,) in enumerate(model._predictors):
        for node_id, node in enumerate(predictor.nodes):
            leaf = bool(node["is_leaf"])
            if not leaf and node["is_categorical"]:
                raise OnnxExportError("categorical splits have no ONNX form here")
            values = (tree_id, node_id, 0 if leaf else int(node["feature_idx"]))
            for name, value in zip(names[:3], values, strict=True):
                nodes[name].append(value)
            nodes["modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            nodes["truenodeids"].append(0 if leaf else int(node["left"]))
            nodes["falsenodeids"].append(0 if leaf else int(node["right"]))
            nodes["missing"].append(0 if leaf else int(node["missing_go_to_left"]))
            thresholds.append(0.0 if leaf else float(node["num_threshold"]))
            if leaf:
                targets["treeids"].append(tree_id)
                targets["nodeids"].append(node_id)
                targets["ids"].append(0)
                weights.append(float(node["value"]))
    attributes: dict[str, Any] = {f"nodes_{name}": nodes[name] for name in names}
    attributes["nodes_missing_value_tracks_true"] = nodes["missing"]
    attributes |= {f"target_{name}": values for name, values in targets.items()}
    attributes["thresholds"] = np.array(thresholds, dtype=np.float64)
    attributes["weights"] = np.array(weights, dtype=np.float64)
    return attributes


def _probabilities_from_score(scope: Any, operator: Any, container: Any, raw: str) -> None:
    """probabilities = [1 − σ(raw), σ(raw)]; label = argmax."""
    from onnx import TensorProto

    double = _is_double(operator)
    sigmoid, positive, negative, index = (
        scope.get_unique_variable_name(n) for n in ("sigmoid", "positive", "negative", "index")
    )
    _node(scope, container, "Sigmoid", [raw], [sigmoid])
    # TreeEnsembleRegressor always answers float32: cast back to the input's precision.
    to = TensorProto.DOUBLE if double else TensorProto.FLOAT
    _node(scope, container, "Cast", [sigmoid], [positive], to=to)
    one = _constant(scope, container, operator, 1.0)
    _node(scope, container, "Sub", [one, positive], [negative])
    probabilities = operator.outputs[1].full_name
    _node(scope, container, "Concat", [negative, positive], [probabilities], axis=1)
    _node(scope, container, "ArgMax", [probabilities], [index], axis=1, keepdims=0)
    _node(scope, container, "Cast", [index], [operator.outputs[0].full_name], to=TensorProto.INT64)


def _node(
    scope: Any, container: Any, op_type: str, inputs: list[str], outputs: list[str], **attrs: Any
) -> None:
    container.add_node(
        op_type, inputs, outputs, name=scope.get_unique_operator_name(op_type), **attrs
    )


def _constant(scope: Any, container: Any, operator: Any, value: float) -> str:
    from onnx import TensorProto

    name = scope.get_unique_variable_name("constant")
    dtype = TensorProto.DOUBLE if _is_double(operator) else TensorProto.FLOAT
    container.add_initializer(name, dtype, [], [value])
    return name


def _is_double(operator: Any) -> bool:
    from skl2onnx.common.data_types import DoubleTensorType

    return isinstance(operator.inputs[0].type, DoubleTensorType)
