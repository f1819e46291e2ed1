"""Runs inside the separate Airflow environment (.venv-airflow), never the project's.

    python airflow_driver.py inspect            # DagBag import: errors, tasks, arguments
    python airflow_driver.py run [conf-json]    # dag.test() once; task states and XComs

Prints one JSON document on its last line. The Airflow home, its SQLite metadata database and
the gateway connection (AIRFLOW_CONN_ML_PIPELINE_GATEWAY) come from the environment.
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

DAGS = Path(
    os.environ.get("ML_PIPELINE_DAGS", Path(__file__).resolve().parents[2] / "deploy/airflow/dags")
)
DAG_ID = "ml_pipeline"


def _dagbag() -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def inspect() -> dict[str, Any]:
    bag = _dagbag()
    dag = bag.dags.get(DAG_ID)
    answer: dict[str, Any] = {
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
        "dag_ids": sorted(bag.dags),
    }
    if dag is not None:
        answer |= {
            "schedule": str(getattr(dag.timetable, "expression", dag.timetable)),
            "catchup": dag.catchup,
            "retries": {t.task_id: t.retries for t in dag.tasks},
            "retry_delay_s": {t.task_id: t.retry_delay.total_seconds() for t in dag.tasks},
            "upstream": {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks},
            "sensors": {
                t.task_id: {"timeout": t.timeout, "mode": t.mode}
                for t in dag.tasks
                if hasattr(t, "poke_interval")
            },
        }
    return answer


def _decoded(value: Any) -> Any:
    """XCom values are stored as JSON; older schemas hand back the encoded text."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def run(conf: dict[str, Any]) -> dict[str, Any]:
    bag = _dagbag()
    if bag.import_errors:
        return {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}}
    dag = bag.dags[DAG_ID]
    for task in dag.tasks:
        # A failure must surface now, not after the production retry delay of five minutes.
        task.retries = 0
    dag_run = dag.test(run_conf=conf)
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    tasks: dict[str, Any] = {}
    with create_session() as session:
        instances = session.query(TaskInstance).filter(
            TaskInstance.dag_id == DAG_ID, TaskInstance.run_id == dag_run.run_id
        )
        for ti in instances:
            value = (
                session.query(XComModel.value)
                .filter(
                    XComModel.dag_id == DAG_ID,
                    XComModel.run_id == dag_run.run_id,
                    XComModel.task_id == ti.task_id,
                    XComModel.key == "return_value",
                )
                .scalar()
            )
            tasks[ti.task_id] = {
                "state": str(ti.state),
                "xcom": _decoded(value),
            }
    return {"state": str(dag_run.state), "run_id": dag_run.run_id, "tasks": tasks}


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else "inspect"
    if mode == "inspect":
        result = inspect()
    else:
        result = run(json.loads(argv[2]) if len(argv) > 2 else {})
    sys.stdout.write("\n" + json.dumps(result, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
