"""Post-analytics processor of the demo's schedule: runs once after each analysis."""

import json
import os

OUTPUT = os.environ.get("output_path", "/opt/ml/processing/output")  # noqa: TID251 - job env


def postprocess_handler():
    with open(os.path.join(OUTPUT, "constraint_violations.json")) as fh:
        count = len(json.load(fh)["violations"])
    print(f"post-analytics processor: {count} violation(s) in this window")
