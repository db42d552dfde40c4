"""The CreateProcessingJob requests the processing classes send, against SageMaker's shape."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from plimsoll.processing import (
    FeatureStoreOutput,
    FrameworkProcessor,
    NetworkConfig,
    ProcessingInput,
    ProcessingJob,
    ProcessingOutput,
    Processor,
    S3Input,
    ScriptProcessor,
)
from plimsoll.s3 import S3Downloader
from plimsoll.session import Session
from tests.unit.sdk.fakes import RecordingClient

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
BUCKET = "sagemaker-us-east-1-000000000000"
ROLE_ARN = "arn:aws:iam::000000000000:role/SageMakerRole"


def _s3_input(uri: str, local_path: str, **overrides: str) -> dict[str, str]:
    return {
        "S3Uri": uri,
        "LocalPath": local_path,
        "S3DataType": "S3Prefix",
        "S3InputMode": "File",
        "S3DataDistributionType": "FullyReplicated",
        "S3CompressionType": "None",
        **overrides,
    }


def test_script_processor_request(
    session: Session, client: RecordingClient, tmp_path: Path
) -> None:
    script = tmp_path / "preprocessing.py"
    script.write_text("print('hi')\n")
    local_data = tmp_path / "data"
    local_data.mkdir()
    processor = ScriptProcessor(
        role="SageMakerRole",
        image_uri=IMAGE,
        command=["python3"],
        instance_count=2,
        instance_type="ml.m5.xlarge",
        sagemaker_session=session,
    )
    processor.run(
        code=str(script),
        inputs=[
            ProcessingInput(source="s3://in/raw/", destination="/opt/ml/processing/input"),
            ProcessingInput(
                source=str(local_data),
                destination="/opt/ml/processing/local",
                input_name="local",
                s3_data_distribution_type="ShardedByS3Key",
            ),
            ProcessingInput(source=f"file://{local_data}/", destination="/opt/ml/processing/f"),
        ],
        outputs=[
            ProcessingOutput(source="/opt/ml/processing/train"),
            ProcessingOutput(
                source="/opt/ml/processing/test",
                destination="s3://out/test",
                output_name="test",
                s3_upload_mode="Continuous",
            ),
            ProcessingOutput(source="/opt/ml/processing/here", destination=str(tmp_path / "o")),
        ],
        arguments=["--train-test-split-ratio", "0.2"],
        job_name="preprocess-1",
        wait=False,
        logs=False,
    )

    assert client.request == {
        "ProcessingJobName": "preprocess-1",
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceType": "ml.m5.xlarge",
                "InstanceCount": 2,
                "VolumeSizeInGB": 30,
            }
        },
        "AppSpecification": {
            "ImageUri": IMAGE,
            "ContainerArguments": ["--train-test-split-ratio", "0.2"],
            "ContainerEntrypoint": [
                "python3",
                "/opt/ml/processing/input/code/preprocessing.py",
            ],
        },
        "RoleArn": ROLE_ARN,
        "ProcessingInputs": [
            {
                "InputName": "input-1",
                "AppManaged": False,
                "S3Input": _s3_input("s3://in/raw/", "/opt/ml/processing/input"),
            },
            {
                "InputName": "local",
                "AppManaged": False,
                "S3Input": _s3_input(
                    str(local_data),
                    "/opt/ml/processing/local",
                    S3DataDistributionType="ShardedByS3Key",
                ),
            },
            {
                "InputName": "input-3",
                "AppManaged": False,
                "S3Input": _s3_input(f"file://{local_data}/", "/opt/ml/processing/f"),
            },
            {
                "InputName": "code",
                "AppManaged": False,
                "S3Input": _s3_input(
                    f"s3://{BUCKET}/preprocess-1/input/code/preprocessing.py",
                    "/opt/ml/processing/input/code",
                ),
            },
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "output-1",
                    "AppManaged": False,
                    "S3Output": {
                        "S3Uri": f"s3://{BUCKET}/preprocess-1/output/output-1",
                        "LocalPath": "/opt/ml/processing/train",
                        "S3UploadMode": "EndOfJob",
                    },
                },
                {
                    "OutputName": "test",
                    "AppManaged": False,
                    "S3Output": {
                        "S3Uri": "s3://out/test",
                        "LocalPath": "/opt/ml/processing/test",
                        "S3UploadMode": "Continuous",
                    },
                },
                {
                    "OutputName": "output-3",
                    "AppManaged": False,
                    "S3Output": {
                        "S3Uri": str(tmp_path / "o"),
                        "LocalPath": "/opt/ml/processing/here",
                        "S3UploadMode": "EndOfJob",
                    },
                },
            ]
        },
    }
    code_uri = f"s3://{BUCKET}/preprocess-1/input/code/preprocessing.py"
    assert S3Downloader.read_file(code_uri, sagemaker_session=session) == "print('hi')\n"
    assert processor.latest_job is not None
    assert processor.latest_job.job_name == "preprocess-1"
    assert processor.jobs == [processor.latest_job]


def test_relative_local_paths_become_absolute(
    session: Session, client: RecordingClient, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    processor = Processor(
        role=None,
        image_uri="img",
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
    )
    processor.run(
        inputs=[ProcessingInput(source="data/", destination="/opt/ml/processing/in")],
        outputs=[ProcessingOutput(source="/opt/ml/processing/out", destination="file://out")],
        wait=False,
        logs=False,
    )
    request = client.request
    assert request["ProcessingInputs"][0]["S3Input"]["S3Uri"] == f"{tmp_path}/data/"
    output = request["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]
    assert output["S3Uri"] == f"file://{tmp_path}/out"
    assert request["ProcessingResources"]["ClusterConfig"]["InstanceType"] == "local"
    assert request["RoleArn"] == "arn:aws:iam::000000000000:role/plimsoll"


def test_script_processor_with_s3_code_uploads_nothing(
    session: Session, client: RecordingClient
) -> None:
    processor = ScriptProcessor(
        role=ROLE_ARN,
        image_uri=IMAGE,
        command=["python3", "-u"],
        instance_count=1,
        instance_type="ml.t3.medium",
        sagemaker_session=session,
    )
    processor.run(code="s3://code/jobs/run.py", job_name="j", wait=False, logs=False)

    assert client.request["AppSpecification"] == {
        "ImageUri": IMAGE,
        "ContainerEntrypoint": ["python3", "-u", "/opt/ml/processing/input/code/run.py"],
    }
    assert client.request["ProcessingInputs"] == [
        {
            "InputName": "code",
            "AppManaged": False,
            "S3Input": _s3_input("s3://code/jobs/run.py", "/opt/ml/processing/input/code"),
        }
    ]
    assert S3Downloader.list(f"s3://{BUCKET}/", sagemaker_session=session) == []


def test_processor_request_with_every_option(session: Session, client: RecordingClient) -> None:
    processor = Processor(
        role=ROLE_ARN,
        image_uri="my-image:latest",
        instance_count=1,
        instance_type="ml.m5.large",
        entrypoint=["python3", "-m", "mypkg"],
        volume_size_in_gb=50,
        volume_kms_key="vol-key",
        output_kms_key="out-key",
        max_runtime_in_seconds=600,
        sagemaker_session=session,
        env={"MODE": "fast"},
        tags=[{"Key": "team", "Value": "ml"}],
        network_config=NetworkConfig(
            enable_network_isolation=True,
            security_group_ids=["sg-1"],
            subnets=["subnet-1"],
            encrypt_inter_container_traffic=True,
        ),
    )
    processor.run(
        outputs=[
            ProcessingOutput(
                output_name="features",
                app_managed=True,
                feature_store_output=FeatureStoreOutput(feature_group_name="fg"),
            )
        ],
        arguments=["--x", "1"],
        job_name="all-options",
        experiment_config={"ExperimentName": "e", "TrialName": "t"},
        wait=False,
        logs=False,
    )

    assert client.request == {
        "ProcessingJobName": "all-options",
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceType": "ml.m5.large",
                "InstanceCount": 1,
                "VolumeSizeInGB": 50,
                "VolumeKmsKeyId": "vol-key",
            }
        },
        "AppSpecification": {
            "ImageUri": "my-image:latest",
            "ContainerArguments": ["--x", "1"],
            "ContainerEntrypoint": ["python3", "-m", "mypkg"],
        },
        "RoleArn": ROLE_ARN,
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "features",
                    "AppManaged": True,
                    "FeatureStoreOutput": {"FeatureGroupName": "fg"},
                }
            ],
            "KmsKeyId": "out-key",
        },
        "Environment": {"MODE": "fast"},
        "NetworkConfig": {
            "EnableNetworkIsolation": True,
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]},
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 600},
        "Tags": [{"Key": "team", "Value": "ml"}],
        "ExperimentConfig": {"ExperimentName": "e", "TrialName": "t"},
    }


def test_minimal_processor_request_omits_optional_keys(
    session: Session, client: RecordingClient
) -> None:
    processor = Processor(
        role=ROLE_ARN,
        image_uri="my-image",
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    )
    processor.run(job_name="minimal", wait=False, logs=False)

    assert client.request == {
        "ProcessingJobName": "minimal",
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceType": "ml.m5.large",
                "InstanceCount": 1,
                "VolumeSizeInGB": 30,
            }
        },
        "AppSpecification": {"ImageUri": "my-image"},
        "RoleArn": ROLE_ARN,
    }


def test_input_variants(session: Session, client: RecordingClient) -> None:
    processor = Processor(
        role=ROLE_ARN,
        image_uri="i",
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    )
    processor.run(
        inputs=[
            ProcessingInput(
                input_name="manifest",
                s3_input=S3Input(
                    s3_uri="s3://b/manifest.json",
                    local_path="/opt/ml/processing/m",
                    s3_data_type="ManifestFile",
                ),
            ),
            ProcessingInput(input_name="app", source="s3://b/app", app_managed=True),
            ProcessingInput(
                input_name="athena",
                dataset_definition={"LocalPath": "/opt/ml/processing/athena"},
            ),
            ProcessingInput(
                source="s3://b/piped.gz",
                destination="/opt/ml/processing/p",
                s3_input_mode="Pipe",
                s3_compression_type="Gzip",
            ),
        ],
        job_name="inputs",
        wait=False,
        logs=False,
    )

    assert client.request["ProcessingInputs"] == [
        {
            "InputName": "manifest",
            "AppManaged": False,
            "S3Input": {
                "S3Uri": "s3://b/manifest.json",
                "LocalPath": "/opt/ml/processing/m",
                "S3DataType": "ManifestFile",
            },
        },
        {"InputName": "app", "AppManaged": True},
        {
            "InputName": "athena",
            "AppManaged": False,
            "DatasetDefinition": {"LocalPath": "/opt/ml/processing/athena"},
        },
        {
            "InputName": "input-4",
            "AppManaged": False,
            "S3Input": _s3_input(
                "s3://b/piped.gz",
                "/opt/ml/processing/p",
                S3InputMode="Pipe",
                S3CompressionType="Gzip",
            ),
        },
    ]


def test_default_bucket_prefix_goes_before_default_keys(
    client: RecordingClient, settings, tmp_path: Path
) -> None:
    session = Session(sagemaker_client=client, settings=settings, default_bucket_prefix="team/a")
    script = tmp_path / "s.py"
    script.write_text("")
    ScriptProcessor(
        image_uri="i",
        command=["python"],
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    ).run(
        code=str(script),
        outputs=[ProcessingOutput(source="/opt/ml/processing/o")],
        job_name="pfx",
        wait=False,
        logs=False,
    )

    code = client.request["ProcessingInputs"][0]["S3Input"]["S3Uri"]
    output = client.request["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"]
    assert code == f"s3://{BUCKET}/team/a/pfx/input/code/s.py"
    assert output == f"s3://{BUCKET}/team/a/pfx/output/output-1"


def _framework_sources(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "process.py").write_text("import helper\n")
    (src / "requirements.txt").write_text("tiny\n")
    (src / "sub" / "helper.py").write_text("X = 1\n")
    lib = tmp_path / "mylib"
    lib.mkdir()
    (lib / "__init__.py").write_text("")
    return src, lib


def test_framework_processor_request_bundle_and_runproc(
    session: Session, client: RecordingClient, tmp_path: Path
) -> None:
    src, lib = _framework_sources(tmp_path)
    processor = FrameworkProcessor(
        estimator_cls=None,
        framework_version="1.0",
        role=ROLE_ARN,
        instance_count=1,
        instance_type="ml.m5.large",
        image_uri="my-framework:1.0",
        sagemaker_session=session,
    )
    processor.run(
        code="process.py",
        source_dir=str(src),
        dependencies=[str(lib)],
        inputs=[ProcessingInput(source="s3://in/x", destination="/opt/ml/processing/x")],
        arguments=["--epochs", "2"],
        job_name="fw-job",
        wait=False,
        logs=False,
    )

    source = f"s3://{BUCKET}/fw-job/source"
    assert client.request["AppSpecification"] == {
        "ImageUri": "my-framework:1.0",
        "ContainerArguments": ["--epochs", "2"],
        "ContainerEntrypoint": ["/bin/bash", "/opt/ml/processing/input/entrypoint/runproc.sh"],
    }
    assert client.request["ProcessingInputs"] == [
        {
            "InputName": "input-1",
            "AppManaged": False,
            "S3Input": _s3_input("s3://in/x", "/opt/ml/processing/x"),
        },
        {
            "InputName": "code",
            "AppManaged": False,
            "S3Input": _s3_input(f"{source}/sourcedir.tar.gz", "/opt/ml/processing/input/code/"),
        },
        {
            "InputName": "entrypoint",
            "AppManaged": False,
            "S3Input": _s3_input(f"{source}/runproc.sh", "/opt/ml/processing/input/entrypoint"),
        },
    ]
    runproc = S3Downloader.read_file(f"{source}/runproc.sh", sagemaker_session=session)
    assert runproc.startswith("#!/bin/bash\n")
    assert "cd /opt/ml/processing/input/code/\ntar -xzf sourcedir.tar.gz\n" in runproc
    assert "set -e\n" in runproc
    assert "if [[ -f 'requirements.txt' ]]; then\n" in runproc
    assert "pip install -r requirements.txt\n" in runproc
    assert runproc.endswith('exec python process.py "$@"\n')

    tarball = S3Downloader.read_bytes(f"{source}/sourcedir.tar.gz", sagemaker_session=session)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        files = sorted(m.name for m in tar.getmembers() if m.isfile())
    assert files == ["mylib/__init__.py", "process.py", "requirements.txt", "sub/helper.py"]


def test_framework_processor_single_file_and_code_location(
    session: Session, client: RecordingClient, tmp_path: Path
) -> None:
    script = tmp_path / "run.py"
    script.write_text("")
    processor = FrameworkProcessor(
        estimator_cls=None,
        framework_version=None,
        image_uri="img",
        command=["python3", "-u"],
        instance_count=1,
        instance_type="ml.m5.large",
        code_location="s3://code-bucket/prefix/",
        sagemaker_session=session,
    )
    processor.run(code=str(script), job_name="loc", wait=False, logs=False)

    code_input = client.request["ProcessingInputs"][0]["S3Input"]
    assert code_input["S3Uri"] == "s3://code-bucket/prefix/loc/source/sourcedir.tar.gz"
    runproc = S3Downloader.read_file(
        "s3://code-bucket/prefix/loc/source/runproc.sh", sagemaker_session=session
    )
    assert runproc.endswith('exec python3 -u run.py "$@"\n')


def test_framework_processor_s3_code_is_run_with_bash(
    session: Session, client: RecordingClient
) -> None:
    processor = FrameworkProcessor(
        None,
        "1.0",
        image_uri="img",
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    )
    processor.run(code="s3://b/prebuilt/boot.sh", job_name="s3code", wait=False, logs=False)

    assert client.request["AppSpecification"]["ContainerEntrypoint"] == [
        "/bin/bash",
        "/opt/ml/processing/input/entrypoint/boot.sh",
    ]
    assert [i["InputName"] for i in client.request["ProcessingInputs"]] == ["entrypoint"]


def test_framework_processor_names_job_after_framework(
    session: Session, client: RecordingClient, tmp_path: Path
) -> None:
    class PyTorch:
        _framework_name = "pytorch"

    script = tmp_path / "t.py"
    script.write_text("")
    processor = FrameworkProcessor(
        PyTorch,
        "2.1",
        image_uri="img",
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    )
    processor.run(code=str(script), wait=False, logs=False)

    name = client.request["ProcessingJobName"]
    assert name.startswith("pytorch-")
    bundle = client.request["ProcessingInputs"][0]["S3Input"]["S3Uri"]
    assert bundle == f"s3://{BUCKET}/{name}/source/sourcedir.tar.gz"


def test_from_processing_name_rebuilds_inputs_and_outputs(
    session: Session, client: RecordingClient
) -> None:
    processor = Processor(
        role=ROLE_ARN,
        image_uri="i",
        instance_count=1,
        instance_type="ml.m5.large",
        output_kms_key="k",
        sagemaker_session=session,
    )
    processor.run(
        inputs=[ProcessingInput(source="s3://b/in", destination="/opt/ml/processing/in")],
        outputs=[ProcessingOutput(source="/opt/ml/processing/out", destination="s3://b/out")],
        job_name="rebuilt",
        wait=False,
        logs=False,
    )

    job = ProcessingJob.from_processing_arn(
        session, "arn:aws:sagemaker:us-east-1:000000000000:processing-job/rebuilt"
    )
    assert job.job_name == "rebuilt"
    assert job.output_kms_key == "k"
    assert job.inputs is not None and job.outputs is not None
    [rebuilt_input] = job.inputs
    assert rebuilt_input.input_name == "input-1"
    assert rebuilt_input.source == "s3://b/in"
    assert rebuilt_input.destination == "/opt/ml/processing/in"
    assert rebuilt_input._to_request_dict() == client.request["ProcessingInputs"][0]
    [rebuilt_output] = job.outputs
    assert (
        rebuilt_output._to_request_dict() == client.request["ProcessingOutputConfig"]["Outputs"][0]
    )
    assert job.describe()["ProcessingJobStatus"] == "Completed"
    job.stop()
    assert client.stopped == ["rebuilt"]
