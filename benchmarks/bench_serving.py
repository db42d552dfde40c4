"""Serving throughput and latency: Plimsoll endpoints (capture off, 20 %, 100 %) against
``mlflow models serve`` and a minimal FastAPI + uvicorn app, for the same small model.

Every target serves a one-row scikit-learn LogisticRegression (iris) with one model
process; the same bounded load generator (wrk, 1 thread, 4 connections, 10 s) hits each in
turn. Peers live in their own venv (benchmarks/.venvs/peers: mlflow-skinny, fastapi,
uvicorn, scikit-learn), created on first run.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
import joblib
from _results import machine, versions, write_section
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = HERE / ".venvs" / "peers"
ROW = "5.1,3.5,1.4,0.2"
DURATION, CONNECTIONS, RUNS, PLIMSOLL_RUNS = 10, 4, 3, 9

FASTAPI_APP = """
import joblib, numpy as np
from fastapi import FastAPI, Request, Response
model = joblib.load("MODEL")
app = FastAPI()
@app.get("/ping")
def ping(): return Response(status_code=200)
@app.post("/invocations")
async def invocations(request: Request):
    body = (await request.body()).decode()
    x = np.array([[float(v) for v in body.split(",")]])
    return Response(content=str(model.predict(x).tolist()), media_type="application/json")
"""

MLFLOW_SAVE = """
import sys, mlflow.sklearn
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
x, y = load_iris(return_X_y=True)
mlflow.sklearn.save_model(
    LogisticRegression(max_iter=500).fit(x, y), sys.argv[1], serialization_format="cloudpickle"
)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def ensure_peers() -> None:
    if (PEERS / "bin" / "mlflow").exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
    subprocess.run(
        [
            str(PEERS / "bin" / "pip"),
            "install",
            "-q",
            "mlflow-skinny",
            "scikit-learn",
            "fastapi",
            "uvicorn",
            "pandas",
        ],
        check=True,
    )


def wrk(url: str, body: str, content_type: str) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of one bounded wrk run."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        f'wrk.method = "POST"\nwrk.body = [==[{body}]==]\n'
        f'wrk.headers["Content-Type"] = "{content_type}"\n'
        'wrk.headers["Accept"] = "application/json"\n'
    )
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
        timeout=DURATION + 30,
    ).stdout
    script.unlink()
    if "Non-2xx" in out:
        raise RuntimeError(f"errors against {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return rps, _latency(out, "50%"), _latency(out, "99%")


def _latency(out: str, pct: str) -> float:
    value, unit = re.search(rf"{pct}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure(label: str, url: str, body: str, content_type: str) -> dict[str, float]:
    wrk(url, body, content_type)  # warm-up run, discarded
    return summarize(label, [wrk(url, body, content_type) for _ in range(RUNS)])


def summarize(label: str, runs: list[tuple[float, float, float]]) -> dict[str, float]:
    result = {
        "rps": statistics.median(r[0] for r in runs),
        "p50_ms": statistics.median(r[1] for r in runs),
        "p99_ms": statistics.median(r[2] for r in runs),
    }
    print(f"{label}: {result}", flush=True)
    return result


def start(
    cmd: list[str], env: dict[str, str] | None = None, log: Path | None = None
) -> subprocess.Popen[bytes]:
    out = log.open("wb") if log else subprocess.DEVNULL
    return subprocess.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def plimsoll_targets(work: Path) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    x, y = load_iris(return_X_y=True)
    buffer = io.BytesIO()
    joblib.dump(LogisticRegression(max_iter=500).fit(x, y), buffer)
    tar = work / "model.tar.gz"
    with tarfile.open(tar, "w:gz") as archive:
        info = tarfile.TarInfo("model.joblib")
        info.size = len(buffer.getvalue())
        archive.addfile(info, io.BytesIO(buffer.getvalue()))
    port = free_port()
    server = start(
        [
            str(ROOT / ".venv" / "bin" / "plimsoll"),
            "server",
            "--port",
            str(port),
            "--home",
            str(work / "home"),
        ],
        log=work / "server.log",
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/ping")
    sm = boto3.client(
        "sagemaker",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    sm.create_model(
        ModelName="iris",
        PrimaryContainer={"Image": "sklearn", "ModelDataUrl": str(tar)},
        ExecutionRoleArn="arn:aws:iam::000000000000:role/bench",
    )
    targets = {}
    for label, pct in (("off", None), ("20", 20), ("100", 100)):
        name = f"iris-capture-{label}"
        config: dict[str, object] = {
            "EndpointConfigName": name,
            "ProductionVariants": [
                {
                    "VariantName": "AllTraffic",
                    "ModelName": "iris",
                    "InitialInstanceCount": 1,
                    "InstanceType": "ml.m5.large",
                }
            ],
        }
        if pct is not None:
            config["DataCaptureConfig"] = {
                "InitialSamplingPercentage": pct,
                "DestinationS3Uri": f"s3://bench-capture/{label}",
                "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
                "CaptureContentTypeHeader": {
                    "CsvContentTypes": ["text/csv"],
                    "JsonContentTypes": ["application/json"],
                },
            }
        sm.create_endpoint_config(**config)
        sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
        targets[label] = f"{url}/endpoints/{name}/invocations"
    for label in targets:
        name = f"iris-capture-{label}"
        while sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Creating":
            time.sleep(0.2)
        assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "InService"
    return server, targets


def main() -> None:
    ensure_peers()
    work = Path(tempfile.mkdtemp(prefix="plimsoll-bench-serving-"))
    results: dict[str, dict[str, float]] = {}
    server, targets = plimsoll_targets(work)
    try:
        # Capture off / 20 % / 100 % share one server: interleave their runs so drift in
        # the machine hits all three alike, then take each one's median.
        runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label in targets}
        for url in targets.values():
            wrk(url, ROW, "text/csv")  # warm-up, discarded
        order = list(targets)
        for round_ in range(PLIMSOLL_RUNS):
            for label in order[round_ % 3 :] + order[: round_ % 3]:  # rotate: no position bias
                runs[label].append(wrk(targets[label], ROW, "text/csv"))
        for label, found in runs.items():
            results[f"plimsoll-{label}"] = summarize(f"plimsoll capture {label}", found)
    finally:
        stop(server)

    model_dir = work / "mlflow-model"
    subprocess.run([str(PEERS / "bin" / "python"), "-c", MLFLOW_SAVE, str(model_dir)], check=True)
    port = free_port()
    mlflow = start(
        [
            str(PEERS / "bin" / "mlflow"),
            "models",
            "serve",
            "-m",
            str(model_dir),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "--env-manager",
            "local",
            "-w",
            "1",
        ],
        env={"PATH": f"{PEERS / 'bin'}:{os.environ['PATH']}"},  # mlflow execs `uvicorn`
        log=work / "mlflow.log",
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/ping")
        results["mlflow"] = measure(
            "mlflow models serve",
            f"http://127.0.0.1:{port}/invocations",
            '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}',
            "application/json",
        )
    finally:
        stop(mlflow)

    joblib.dump(
        LogisticRegression(max_iter=500).fit(*load_iris(return_X_y=True)), work / "model.joblib"
    )
    (work / "fastapi_app.py").write_text(FASTAPI_APP.replace("MODEL", str(work / "model.joblib")))
    port = free_port()
    fast = start(
        [
            str(PEERS / "bin" / "uvicorn"),
            "fastapi_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-access-log",
            "--app-dir",
            str(work),
        ],
        log=work / "fastapi.log",
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/ping")
        results["fastapi"] = measure(
            "fastapi+uvicorn", f"http://127.0.0.1:{port}/invocations", ROW, "text/csv"
        )
    finally:
        stop(fast)
    report(results)


def report(results: dict[str, dict[str, float]]) -> None:
    names = {
        "plimsoll-off": "Plimsoll endpoint, capture off",
        "plimsoll-20": "Plimsoll endpoint, capture 20 %",
        "plimsoll-100": "Plimsoll endpoint, capture 100 %",
        "mlflow": "`mlflow models serve` (1 worker)",
        "fastapi": "FastAPI + uvicorn, 1 worker (no platform)",
    }
    base = results["mlflow"]["rps"]
    rows = "\n".join(
        f"| {names[key]} | {r['rps']:.0f} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms "
        f"| {r['rps'] / base:.1f}x |"
        for key, r in results.items()
    )
    off, full = results["plimsoll-off"], results["plimsoll-100"]
    cost = 1 - full["rps"] / off["rps"]
    probe = "import mlflow, fastapi; print(mlflow.__version__, fastapi.__version__)"
    found = subprocess.run(
        [str(PEERS / "bin" / "python"), "-c", probe], capture_output=True, text=True
    ).stdout.split()
    mlflow_version, fastapi_version = (found + ["?", "?"])[:2]
    body = f"""
## Serving: requests/s and latency for one small scikit-learn model

Machine: {machine()}. Versions: {versions("uvicorn", "scikit-learn")}; peers: mlflow-skinny
{mlflow_version}, fastapi {fastapi_version}.
Load: wrk, 1 thread, {CONNECTIONS} connections, {DURATION} s; median of {RUNS} runs after a warm-up
run ({PLIMSOLL_RUNS} interleaved runs for the three Plimsoll targets). One-row iris
LogisticRegression, one model process per target. Plimsoll requests go through the runtime
path `/endpoints/NAME/invocations` of `plimsoll server` (router + sandboxed model server: two
processes on this 2-core machine).

| Target | Requests/s | p50 | p99 | vs MLflow |
|---|---|---|---|---|
{rows}

100 % capture costs {cost:.1%} of throughput (target at most 5 %) and moves p99 by
{full["p99_ms"] - off["p99_ms"]:+.2f} ms (target at most +1 ms). Plimsoll with capture off serves
{off["rps"] / base:.1f}x MLflow's requests/s (target at least 3x) at p99 {off["p99_ms"]:.2f} ms
against MLflow's {results["mlflow"]["p99_ms"]:.2f} ms.
"""
    write_section("serving", body, {"results": results})
    print(body)


if __name__ == "__main__":
    main()
