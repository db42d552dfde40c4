"""`make demo`: Plimsoll end to end on the embedded defaults (local disk + SQLite).

1. A two-host ScriptProcessor job splits sample data (ShardedByS3Key) into train/test.
2. A scikit-learn model is trained, deployed to a two-instance endpoint with Data Capture at
   100 %, sent traffic, and its captured records are shown.
3. Model Monitor: the training data is baselined, an hourly data-quality schedule is created
   with a record preprocessor, normal then drifted traffic is sent, the schedule is run now,
   and the violations and the HTML report's path are printed (examples/monitor.py).

The code below is SageMaker code with `sagemaker` replaced by `plimsoll`.
"""

from __future__ import annotations

import json
import tarfile
import tempfile
import time
from pathlib import Path

import joblib
from monitor import monitor  # examples/monitor.py, next to this file
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from plimsoll.compat.capture_format import iter_records
from plimsoll.compat.naming import name_from_base
from plimsoll.deserializers import JSONDeserializer
from plimsoll.model import Model
from plimsoll.model_monitor import DataCaptureConfig
from plimsoll.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from plimsoll.serializers import CSVSerializer
from plimsoll.session import Session
from plimsoll.settings import Settings

HERE = Path(__file__).resolve().parent
ROLL_SECONDS = 2.0


def main() -> None:
    # Capture files roll every 2 s (default 60 s) so the monitor sees the demo's traffic soon.
    session = Session(settings=Settings.load(capture_roll_seconds=ROLL_SECONDS))
    process(session)
    serve(session)


def process(session: Session) -> None:
    bucket = session.default_bucket()
    raw = session.upload_data(str(HERE / "data" / "raw"), bucket=bucket, key_prefix="demo/raw")
    print(f"uploaded sample data to {raw}")

    processor = ScriptProcessor(
        role="any",
        image_uri="python:3.11",
        command=["python3"],
        instance_count=2,
        instance_type="ml.m5.xlarge",
        base_job_name="plimsoll-demo",
        sagemaker_session=session,
    )
    processor.run(
        code=str(HERE / "preprocess.py"),
        inputs=[
            ProcessingInput(
                source=raw,
                destination="/opt/ml/processing/input",
                s3_data_distribution_type="ShardedByS3Key",
            )
        ],
        outputs=[
            ProcessingOutput(
                source="/opt/ml/processing/train",
                destination=f"s3://{bucket}/demo/train/",
                output_name="train",
            ),
            ProcessingOutput(
                source="/opt/ml/processing/test",
                destination=f"s3://{bucket}/demo/test/",
                output_name="test",
            ),
        ],
        arguments=["--split", "0.2"],
    )
    job = processor.latest_job.describe()
    print(f"\njob {job['ProcessingJobName']}: {job['ProcessingJobStatus']}")
    for output in job["ProcessingOutputConfig"]["Outputs"]:
        uri = output["S3Output"]["S3Uri"]
        files = session.list_s3_files(bucket, uri.split(f"s3://{bucket}/", 1)[1])
        print(f"  {output['OutputName']}: {uri} ({len(files)} files)")
    settings = Settings.load()
    if settings.s3_endpoint_url is None:
        print(f"\nembedded S3 lives on disk: {settings.home / 's3' / bucket / 'demo'}")
    print(
        "see it again with: .venv/bin/plimsoll jobs list ; .venv/bin/plimsoll jobs describe "
        f"{job['ProcessingJobName']}"
    )


def serve(session: Session) -> None:
    bucket = session.default_bucket()
    features, labels = load_iris(return_X_y=True)
    work = Path(tempfile.mkdtemp(prefix="plimsoll-demo-"))
    fitted = LogisticRegression(max_iter=500).fit(features, labels)
    joblib.dump(fitted, work / "model.joblib")
    with tarfile.open(work / "model.tar.gz", "w:gz") as tar:
        tar.add(work / "model.joblib", arcname="model.joblib")
    model_data = session.upload_data(
        str(work / "model.tar.gz"), bucket=bucket, key_prefix="demo/model"
    )
    print(f"\ntrained an iris LogisticRegression: {model_data}")

    model = Model(
        image_uri="sklearn",
        model_data=model_data,
        entry_point="inference.py",
        source_dir=str(HERE),
        role="any",
        sagemaker_session=session,
    )
    endpoint_name = name_from_base("demo-iris")
    capture_uri = f"s3://{bucket}/demo/capture"
    predictor = model.deploy(
        initial_instance_count=2,
        instance_type="ml.m5.xlarge",
        endpoint_name=endpoint_name,
        serializer=CSVSerializer(),
        deserializer=JSONDeserializer(),
        data_capture_config=DataCaptureConfig(
            enable_capture=True, sampling_percentage=100, destination_s3_uri=capture_uri
        ),
    )
    print(f"\nendpoint {endpoint_name} is InService; sending 30 requests")
    for index, row in enumerate(features[::5]):
        answer = predictor.predict(row, inference_id=f"demo-{index}")
        if index < 3:
            print(f"  {row.tolist()} -> {answer}")
    time.sleep(ROLL_SECONDS + 1)  # one capture roll
    files = session.list_s3_files(bucket, f"demo/capture/{endpoint_name}/")
    print(f"\ncaptured {len(files)} file(s) under {capture_uri}/{endpoint_name}/AllTraffic/")
    records = [
        record
        for key in files
        for record in iter_records(session.read_s3_file(bucket, key).encode())
    ]
    print(f"{len(records)} records; the first one:")
    print(json.dumps(json.loads(records[0].model_dump_json(exclude_none=True)), indent=2))
    predicted = fitted.predict(features)
    try:
        monitor(session, predictor, endpoint_name, features, predicted, ROLL_SECONDS)
    finally:
        predictor.delete_endpoint()  # stops the instances and flushes the capture files


if __name__ == "__main__":
    main()
