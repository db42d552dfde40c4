"""PySpark peer, run inside benchmarks/.venvs/mm-pyspark: ``_mm_pyspark.py CSV RUNS [WARMUP]``.

The aggregations SageMaker's analyzer (Deequ on Spark) runs, on ``local[2]``: read the CSV
with header and schema inference (Deequ's type pass), then per column count, missing count,
approx_count_distinct, and for numbers mean, stddev_pop, min, max, sum and
percentile_approx deciles, in one aggregation job; then value counts of every string column
in one more job. The session's start-up is timed apart from the runs; an optional WARMUP CSV
(a small file) is processed first, untimed, so the JVM's JIT warm-up is not counted.
"""

import json
import sys
import time

import pyspark
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import NumericType

DECILES = [i / 10 for i in range(1, 10)]


def one_run(spark: SparkSession, path: str) -> int:
    frame = spark.read.csv(path, header=True, inferSchema=True)
    numeric = [f.name for f in frame.schema.fields if isinstance(f.dataType, NumericType)]
    strings = [f.name for f in frame.schema.fields if f.name not in numeric]
    aggs = [F.count(F.lit(1)).alias("rows")]
    for name in frame.columns:
        col = F.col(name)
        aggs += [
            F.count(col).alias(f"{name}__count"),
            F.sum(col.isNull().cast("int")).alias(f"{name}__missing"),
            F.approx_count_distinct(col).alias(f"{name}__distinct"),
        ]
        if name in numeric:
            aggs += [
                F.mean(col).alias(f"{name}__mean"),
                F.stddev_pop(col).alias(f"{name}__std"),
                F.min(col).alias(f"{name}__min"),
                F.max(col).alias(f"{name}__max"),
                F.sum(col).alias(f"{name}__sum"),
                F.percentile_approx(col, DECILES).alias(f"{name}__deciles"),
            ]
    row = frame.agg(*aggs).collect()[0]
    pairs = F.explode(
        F.array(*[F.struct(F.lit(n).alias("k"), F.col(n).alias("v")) for n in strings])
    ).alias("p")
    counts = frame.select(pairs).groupBy("p.k", "p.v").count().collect()
    assert row["rows"] > 0 and counts
    return len(row)


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2])
    start = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("bench-model-monitor")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    session = time.perf_counter() - start
    if len(sys.argv) > 3:
        one_run(spark, sys.argv[3])
    times, values = [], 0
    for _ in range(runs):
        begin = time.perf_counter()
        values = one_run(spark, path)
        times.append(time.perf_counter() - begin)
    spark.stop()
    print(
        json.dumps(
            {"session": session, "runs": times, "values": values, "version": pyspark.__version__}
        )
    )


if __name__ == "__main__":
    main()
