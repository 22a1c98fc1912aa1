"""Read an MLflow folder store the way mlflow/store/tracking/file_store.py does, as an independent oracle.

It runs without MLflow installed (no PyPI, no Debian package; MLflow's own client reads the store in
tests/trackers/mlflow-server/ where CI provides it), re-implementing the reading rules of the reference
(docs/reference/ecosystem.md 1.2-1.6) with PyYAML, the library MLflow writes meta.yaml with:
  * every meta.yaml must be byte-identical to yaml.dump(..., default_flow_style=False, allow_unicode=True,
    sort_keys=True, Dumper=SafeDumper) of what it loads to (MLflow's write_yaml);
  * experiment dirs are the root's sub-dirs except .trash and models; a run dir is any other sub-dir whose
    meta.yaml experiment_id equals the experiment dir name;
  * metric files hold lines "<int ts> <float> <int step>" (float() of Python, so nan/inf allowed);
  * keys with "/" are nested dirs, rebuilt from the relative path (os.walk).
Prints one JSON document on stdout. Usage: python3 mlruns_reader.py <root>
"""
import json
import math
import os
import sys

import yaml

RESERVED = {"tags", "datasets", "traces"}


def load_meta(path, problems):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    data = yaml.safe_load(text)
    redump = yaml.dump(data, default_flow_style=False, allow_unicode=True, sort_keys=True, Dumper=yaml.SafeDumper)
    if redump != text:
        problems.append({"file": path, "expected": redump, "actual": text})
    return data


def walk_files(folder):
    out = {}
    if not os.path.isdir(folder):
        return out
    for dirpath, _, files in os.walk(folder):
        for name in files:
            full = os.path.join(dirpath, name)
            key = os.path.relpath(full, folder).replace(os.sep, "/")
            with open(full, encoding="utf-8") as f:
                out[key] = f.read()
    return out


def parse_metric(key, text):
    points = []
    for line in text.splitlines():
        fields = line.split(" ")
        if len(fields) not in (2, 3):
            raise ValueError("Metric '%s' is malformed; line %r" % (key, line))
        value = float(fields[1])
        points.append({
            "timestamp": int(fields[0]),
            "value": value if math.isfinite(value) else str(value),
            "step": int(fields[2]) if len(fields) == 3 else 0,
        })
    return points


def main(root):
    problems = []
    experiments = []
    for name in sorted(os.listdir(root)):
        exp_dir = os.path.join(root, name)
        if name in (".trash", "models") or not os.path.isdir(exp_dir):
            continue
        meta = load_meta(os.path.join(exp_dir, "meta.yaml"), problems)
        runs = []
        for run_name in sorted(os.listdir(exp_dir)):
            run_dir = os.path.join(exp_dir, run_name)
            if run_name in RESERVED or not os.path.isdir(run_dir):
                continue
            run_meta = load_meta(os.path.join(run_dir, "meta.yaml"), problems)
            if str(run_meta.get("experiment_id")) != name:
                problems.append({"file": run_dir, "expected": name, "actual": run_meta.get("experiment_id")})
                continue
            metrics = {k: parse_metric(k, v) for k, v in walk_files(os.path.join(run_dir, "metrics")).items()}
            runs.append({
                "dir": run_name,
                "meta": run_meta,
                "params": walk_files(os.path.join(run_dir, "params")),
                "tags": walk_files(os.path.join(run_dir, "tags")),
                "metrics": metrics,
                "artifacts": sorted(walk_files(os.path.join(run_dir, "artifacts"))),
                "subdirs": sorted(os.listdir(run_dir)),
            })
        experiments.append({"dir": name, "meta": meta, "runs": runs})
    print(json.dumps({"experiments": experiments, "problems": problems, "trash": os.path.isdir(os.path.join(root, ".trash"))}))


if __name__ == "__main__":
    main(sys.argv[1])
