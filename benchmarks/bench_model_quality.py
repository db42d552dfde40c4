"""Model quality: merging and scoring one day of captured records with their ground truth.

Data (``_mq_data.py``, generated once into benchmarks/.cache): 1,000,000 capture records in 24
hourly files of SageMaker's capture JSON lines (CSV output: the positive-class probability) and
their labels in 24 hourly ground-truth JSON-lines files (98 % labelled, plus 1,000 labels for
ids never captured).

* Plimsoll, as a model-quality execution does it, from files on disk to metrics: the merger
  image's ``merge_directories`` + ``write_output`` (merged records and merge_report.json on
  disk), then the analyzer's MODEL_QUALITY mode (``run_model_quality``: read the merged records,
  the metrics engine, statistics.json / constraints.json / constraint_violations.json).
* The peer: ``json.loads`` of every capture line into a pandas DataFrame, ``pandas.read_json``
  of the ground truth, ``DataFrame.merge`` on the id, then scikit-learn's accuracy, precision,
  recall, F1, ROC AUC and confusion matrix.

Both run in this process, alternating, median of ``--runs``; the numbers must agree to 1e-9.
``--rows 24000 --runs 1`` is a quick smoke run; only a full run rewrites its RESULTS.md section.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from _mm_cpu import CpuWatch
from _mq_data import HOURS, START, data_root
from _mq_data import capture_files as list_capture_files
from _mq_data import ground_truth_files as list_ground_truth_files
from _results import machine, median, versions, write_section
from sklearn import metrics as skm

from plimsoll.compat.analyzer_config import AnalyzerConfig
from plimsoll.images._analyzer_quality import run_model_quality
from plimsoll.images.groundtruth_merger import merge_directories, write_output

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
FULL_ROWS = 1_000_000
TARGET = 5.0
TOLERANCE = 1e-9
THRESHOLD = 0.5
STAMP = "%Y-%m-%dT%H:%M:%SZ"
MERGE_FORMAT = '{"sagemakerMergeJson":{"captureIndexNames":["endpointOutput"]}}'
COMPARED = ("accuracy", "precision", "recall", "f1", "auc")


def _window() -> dict[str, str]:
    end = START.timestamp() + HOURS * 3600
    return {
        "start_time": START.strftime(STAMP),
        "end_time": time.strftime(STAMP, time.gmtime(end)),
    }


def plimsoll_run(root: Path, work: Path) -> tuple[dict[str, Any], dict[str, float]]:
    """The merge job then the analysis job, in process; (numbers, stage seconds)."""
    shutil.rmtree(work, ignore_errors=True)
    merged, output = work / "merged", work / "analysis"
    t0 = time.perf_counter()
    result, where = merge_directories(
        {
            "dataset_source": str(root / "capture"),
            "ground_truth_source": str(root / "groundtruth"),
            "output_path": str(merged),
            **_window(),
        }
    )
    t1 = time.perf_counter()
    write_output(result, where)
    del result
    t2 = time.perf_counter()
    config = AnalyzerConfig.from_environment(
        {
            "dataset_source": str(merged),
            "dataset_format": MERGE_FORMAT,
            "output_path": str(output),
            "analysis_type": "MODEL_QUALITY",
            "problem_type": "BinaryClassification",
            "probability_attribute": "0",
            "probability_threshold_attribute": str(THRESHOLD),
            "publish_cloudwatch_metrics": "Disabled",
            **_window(),
        }
    )
    run_model_quality(config)
    t3 = time.perf_counter()
    stats = json.loads((output / "statistics.json").read_text())
    body = stats["binary_classification_metrics"]
    numbers: dict[str, Any] = {name: float(body[name]["value"]) for name in COMPARED}
    numbers["f1"] = float(body["f1"]["value"])
    numbers["rows"] = stats["dataset"]["item_count"]
    matrix = body["confusion_matrix"]
    numbers["confusion_matrix"] = [
        [int(matrix.get(a, {}).get(p, 0)) for p in ("0", "1")] for a in ("0", "1")
    ]
    stages = {"merge": t1 - t0, "write_merged": t2 - t1, "analysis": t3 - t2}
    return numbers, stages


def pandas_run(root: Path) -> dict[str, Any]:
    """json + pandas merge on the id + scikit-learn metrics over the same files."""
    ids: list[str] = []
    scores: list[float] = []
    for path in list_capture_files(root):
        with path.open("rb") as fh:
            for line in fh:
                record = json.loads(line)
                ids.append(record["eventMetadata"]["inferenceId"])
                scores.append(float(record["captureData"]["endpointOutput"]["data"]))
    capture = pd.DataFrame({"id": ids, "probability": scores})
    truth = pd.concat(
        (pd.read_json(p, lines=True, dtype=False) for p in list_ground_truth_files(root)),
        ignore_index=True,
    )
    labels = pd.DataFrame(
        {
            "id": truth["eventMetadata"].str["eventId"],
            "label": truth["groundTruthData"].str["data"].astype(int),
        }
    ).drop_duplicates("id", keep="last")
    joined = capture.merge(labels, on="id", how="inner")
    actual = joined["label"].to_numpy()
    predicted = (joined["probability"].to_numpy() > THRESHOLD).astype(int)
    return {
        "accuracy": skm.accuracy_score(actual, predicted),
        "precision": skm.precision_score(actual, predicted, zero_division=0),
        "recall": skm.recall_score(actual, predicted, zero_division=0),
        "f1": skm.f1_score(actual, predicted, zero_division=0),
        "auc": skm.roc_auc_score(actual, joined["probability"].to_numpy()),
        "rows": len(joined),
        "confusion_matrix": skm.confusion_matrix(actual, predicted, labels=[0, 1]).tolist(),
    }


def compare(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Every difference beyond the tolerance (empty: the same numbers)."""
    problems = [
        f"{name}: plimsoll {ours[name]!r} vs sklearn {float(theirs[name])!r}"
        for name in COMPARED
        if abs(ours[name] - float(theirs[name])) > TOLERANCE
    ]
    for name in ("rows", "confusion_matrix"):
        if ours[name] != theirs[name]:
            problems.append(f"{name}: plimsoll {ours[name]} vs pandas {theirs[name]}")
    return problems


def profile(root: Path, work: Path, top: int = 18) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    plimsoll_run(root, work)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run")
    args = parser.parse_args()
    root = data_root(CACHE, args.rows)
    work = Path(tempfile.mkdtemp(prefix="plimsoll-bench-mq-"))
    ours_times: list[float] = []
    theirs_times: list[float] = []
    stages: list[dict[str, float]] = []
    problems: list[str] = []
    ours: dict[str, Any] = {}
    theirs: dict[str, Any] = {}
    watch = CpuWatch()
    try:
        with watch:
            for _ in range(args.runs):
                gc.collect()
                start = time.perf_counter()
                ours, split = plimsoll_run(root, work / "run")
                ours_times.append(time.perf_counter() - start)
                stages.append(split)
                gc.collect()
                start = time.perf_counter()
                theirs = pandas_run(root)
                theirs_times.append(time.perf_counter() - start)
                problems.extend(compare(ours, theirs))
        report = profile(root, work / "run") if args.profile else ""
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ours_s, theirs_s = median(ours_times), median(theirs_times)
    ratio = theirs_s / ours_s
    stage = {k: median([s[k] for s in stages]) for k in stages[0]}
    print(f"rows {ours['rows']:,} merged of {args.rows:,} captured")
    print(f"plimsoll  {ours_s:7.2f} s  runs {[round(t, 2) for t in ours_times]}")
    print("          " + ", ".join(f"{k} {v:.2f} s" for k, v in stage.items()))
    print(f"pandas    {theirs_s:7.2f} s  runs {[round(t, 2) for t in theirs_times]}")
    print(f"speed-up  {ratio:.2f}x (target {TARGET:.0f}x)")
    print(f"other processes used {watch.others_cores:.2f} of 2 cores on average")
    print("same numbers" if not problems else "DIFFERENT NUMBERS:\n  " + "\n  ".join(problems))
    for name in COMPARED:
        print(f"  {name:<9} {ours[name]!r:<22} {float(theirs[name])!r}")
    print(f"  confusion {ours['confusion_matrix']} {theirs['confusion_matrix']}")
    if report:
        print(report)
    if args.rows != FULL_ROWS:
        return
    raw = {
        "rows_captured": args.rows,
        "rows_merged": ours["rows"],
        "plimsoll_seconds": ours_times,
        "plimsoll_stages_median": stage,
        "pandas_sklearn_seconds": theirs_times,
        "speedup": ratio,
        "target": TARGET,
        "same_numbers": not problems,
        "differences": problems,
        "metrics": {"plimsoll": ours, "sklearn": {k: theirs[k] for k in theirs}},
        "others_cores": watch.others_cores,
        "machine": machine(),
    }
    verdict = "met" if ratio >= TARGET else "**not met**"
    body = f"""## Model quality: merge + score one day (1,000,000 captured records)

{machine()}; {versions("numpy", "pandas", "scikit-learn", "pydantic")}.
Other processes used {watch.others_cores:.2f} of the 2 cores on average while this ran.

24 hourly capture files (SageMaker capture JSON lines, CSV output = probability) and 24
ground-truth JSON-lines files; {ours["rows"]:,} records have a label. Median of {args.runs},
files on disk to metrics, in one process.

| pipeline | median | runs |
|---|---|---|
| Plimsoll: merger `merge_directories` + `write_output`, analyzer `run_model_quality` \
| {ours_s:.2f} s | {", ".join(f"{t:.2f}" for t in ours_times)} |
| json + pandas merge + scikit-learn metrics | {theirs_s:.2f} s \
| {", ".join(f"{t:.2f}" for t in theirs_times)} |

Plimsoll stages (median): {", ".join(f"{k} {v:.2f} s" for k, v in stage.items())}.
Speed-up: {ratio:.2f}x; target {TARGET:.0f}x {verdict}. Same numbers (accuracy, precision,
recall, F1, AUC within {TOLERANCE:g}; row count and confusion matrix equal):
{"yes" if not problems else "no: " + "; ".join(problems)}.
Plimsoll also computes what the peer does not: the 5 subsample standard deviations of every
metric, the best-constant-classifier metrics, F0.5/F2, ROC/PR curves, suggested constraints,
the merged records on disk and the merge report.
"""
    write_section("model-quality", body, raw)


if __name__ == "__main__":
    main()
