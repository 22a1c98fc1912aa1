"""Read a tandem run back from an MLflow folder store with MLflow's own Python client, and print it as JSON.

Usage: PYTHONPATH=<mlflow source> python3 read_with_mlflow.py <store root> <experiment name>
The client is mlflow.tracking.MlflowClient("file:<root>"): whatever it can read proves the layout, since it is the
code `mlflow ui` runs on the same folder.
"""
import json
import os
import sys

import mlflow
from mlflow.tracking import MlflowClient

root, experiment_name = sys.argv[1], sys.argv[2]
client = MlflowClient(f"file:{root}")
experiment = client.get_experiment_by_name(experiment_name)
runs = client.search_runs([experiment.experiment_id])


def artifacts(run_id, path=None):
    out = []
    for f in client.list_artifacts(run_id, path):
        out.extend(artifacts(run_id, f.path) if f.is_dir else [f.path])
    return sorted(out)


def read(run_id, path):
    dst = os.path.join(root, "..", "downloads", run_id)
    os.makedirs(dst, exist_ok=True)
    with open(client.download_artifacts(run_id, path, dst_path=dst), encoding="utf-8") as f:
        return f.read()


print(json.dumps({
    "mlflow": mlflow.__version__,
    "runs": [{
        "status": r.info.status,
        "run_name": r.info.run_name,
        "params": r.data.params,
        "tags": r.data.tags,
        "metrics": {k: [[m.step, m.value] for m in sorted(client.get_metric_history(r.info.run_id, k), key=lambda m: m.step)] for k in r.data.metrics},
        "artifacts": artifacts(r.info.run_id),
        "results_json": read(r.info.run_id, "results.json"),
    } for r in runs],
}))
