"""`make demo`: a two-host ScriptProcessor job on the embedded defaults (local disk + SQLite).

The processing code below is SageMaker code with `sagemaker` replaced by `plimsoll`.
"""

from __future__ import annotations

from pathlib import Path

from plimsoll.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from plimsoll.session import Session
from plimsoll.settings import Settings

HERE = Path(__file__).resolve().parent


def main() -> None:
    session = Session()
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


if __name__ == "__main__":
    main()
