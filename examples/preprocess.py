"""A processing script exactly as it would run on SageMaker: reads its shard, splits it."""

import argparse
import csv
import json
import os
import random
from pathlib import Path

INPUT = Path("/opt/ml/processing/input")
TRAIN = Path("/opt/ml/processing/train")
TEST = Path("/opt/ml/processing/test")

parser = argparse.ArgumentParser()
parser.add_argument("--split", type=float, default=0.2)
args = parser.parse_args()

resource = json.loads(Path("/opt/ml/config/resourceconfig.json").read_text())
host = resource["current_host"]
print(f"{host} of {resource['hosts']}: files {sorted(p.name for p in INPUT.glob('*.csv'))}")

rows, header = [], None
for path in sorted(INPUT.glob("*.csv")):
    with path.open() as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows.extend(reader)

random.Random(host).shuffle(rows)
cut = int(len(rows) * args.split)
for folder, part in ((TEST, rows[:cut]), (TRAIN, rows[cut:])):
    with (folder / f"{host}.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(part)
print(f"{host}: {len(rows) - cut} train rows, {cut} test rows (pid {os.getpid()})")
