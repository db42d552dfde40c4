"""The monitoring floor, run inside benchmarks/.venvs/mm-orjson: ``_mm_parse_floor.py DIR RUNS``.

Reads every capture file under DIR and ``orjson.loads`` every line: the least any monitoring
execution must do. Prints one JSON line with the seconds of each run and the records parsed.
"""

import json
import os
import sys
import time

import orjson


def one_pass(root: str) -> int:
    records = 0
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            if name.endswith(".jsonl"):
                with open(os.path.join(folder, name), "rb") as fh:
                    for line in fh.read().splitlines():
                        orjson.loads(line)
                        records += 1
    return records


def main() -> None:
    root, runs = sys.argv[1], int(sys.argv[2])
    times, records = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        records = one_pass(root)
        times.append(time.perf_counter() - start)
    print(json.dumps({"runs": times, "records": records, "version": orjson.__version__}))


if __name__ == "__main__":
    main()
