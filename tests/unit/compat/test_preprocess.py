"""The record preprocessor / post-analytics processor script contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plimsoll.compat.preprocess import (
    PREPROCESS_FAILURE,
    CapturedData,
    Preprocessor,
    run_postprocess,
)
from plimsoll.errors import EngineError

REFERENCE = Path(__file__).resolve().parents[4] / "shared/reference"


def _first_record(relative: str) -> dict[str, object]:
    line = (REFERENCE / relative).read_text().splitlines()[0]
    return json.loads(line)  # type: ignore[no-any-return]


CHURN = (
    "model_monitor/examples_model_quality_churn/capture/capture_with_inferenceId_2021-05-18.jsonl"
)


def _script(tmp_path: Path, body: str, name: str = "pre.py") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def test_inference_record_has_the_documented_attributes(tmp_path: Path) -> None:
    record = _first_record(CHURN)
    data = CapturedData(dict(record))
    assert data.event_metadata is not None
    assert data.event_metadata.event_id == "a727dc55-cbe1-498c-bcb9-9c12eea02b44"
    assert data.event_metadata.event_time == data.event_metadata.inference_time
    assert data.event_metadata.event_time == "2021-05-18T00:29:02Z"
    assert data.event_metadata.inference_id == "58"
    assert data.event_metadata.custom_attribute is None
    assert data.endpoint_input is not None and data.endpoint_output is not None
    assert data.endpoint_input.encoding == "CSV"
    assert data.endpoint_input.mode == "INPUT"
    assert data.endpoint_output.observedContentType == "text/csv; charset=utf-8"
    assert data.endpoint_output.data == "0.01216088142246008"
    assert data.batch_transform_output is None and data.ground_truth is None
    assert data.event_version == "0"
    data.endpoint_output.data = "1"
    assert data.as_dict()["captureData"]["endpointOutput"] == {
        "encoding": "CSV",
        "data": "1",
        "observedContentType": "text/csv; charset=utf-8",
    }
    assert "'data': '1'" in str(data)


def test_flat_dict_becomes_one_row(tmp_path: Path) -> None:
    script = _script(
        tmp_path,
        "def preprocess_handler(inference_record):\n"
        "    values = inference_record.endpoint_input.data.split(',')\n"
        "    row = {str(i).zfill(20): float(v) for i, v in enumerate(values[:3])}\n"
        "    row['prediction'] = float(inference_record.endpoint_output.data)\n"
        "    row['missing'] = None\n"
        "    return row\n",
    )
    row = Preprocessor.load(script).apply(_first_record(CHURN))
    assert row == {
        "00000000000000000000": 41.0,
        "00000000000000000001": 0.0,
        "00000000000000000002": 159.3,
        "prediction": 0.01216088142246008,
        "missing": None,
    }


def test_empty_list_drops_the_record(tmp_path: Path) -> None:
    script = _script(tmp_path, "def preprocess_handler(inference_record):\n    return []\n")
    assert Preprocessor.load(script).apply(_first_record(CHURN)) is None


def test_logger_argument_is_passed_when_accepted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    script = _script(
        tmp_path,
        "def preprocess_handler(inference_record, logger):\n"
        "    logger.info('saw %s', inference_record.event_metadata.event_id)\n"
        "    return {'a': 1}\n",
    )
    pre = Preprocessor.load(script)
    assert pre.takes_logger
    with caplog.at_level("INFO"):
        assert pre.apply(_first_record(CHURN)) == {"a": 1}
    assert "saw a727dc55-cbe1-498c-bcb9-9c12eea02b44" in caplog.text


def test_nested_dict_is_an_error_naming_script_and_record(tmp_path: Path) -> None:
    script = _script(
        tmp_path, "def preprocess_handler(inference_record):\n    return {'a': {'b': 1}}\n"
    )
    with pytest.raises(EngineError) as info:
        Preprocessor.load(script).apply(_first_record(CHURN))
    message = info.value.message
    assert message.startswith(PREPROCESS_FAILURE)
    assert str(script) in message and "'a'" in message and "flat" in message
    assert "eventId=a727dc55-cbe1-498c-bcb9-9c12eea02b44" in message


@pytest.mark.parametrize("returned", ["[1, 2]", "'x'", "None", "[{'a': 1}]"])
def test_other_return_types_are_errors(tmp_path: Path, returned: str) -> None:
    script = _script(tmp_path, f"def preprocess_handler(r):\n    return {returned}\n")
    with pytest.raises(EngineError, match="expected a flat dict or \\[\\]"):
        Preprocessor.load(script).apply(_first_record(CHURN))


def test_exception_carries_file_and_line(tmp_path: Path) -> None:
    script = _script(
        tmp_path,
        "def helper(record):\n"
        "    return record.event_data.endpointInput\n"  # the old, wrong example API
        "\n"
        "def preprocess_handler(inference_record):\n"
        "    return helper(inference_record)\n",
    )
    with pytest.raises(EngineError) as info:
        Preprocessor.load(script).apply(_first_record(CHURN))
    message = info.value.message
    assert message.startswith(PREPROCESS_FAILURE)
    assert "AttributeError" in message and "event_data" in message
    assert f"at {script.resolve()} line 2, in helper" in message
    assert isinstance(info.value.__cause__, AttributeError)


def test_load_errors_name_file_and_line(tmp_path: Path) -> None:
    broken = _script(tmp_path, "x = 1\ndef preprocess_handler(r)\n    return {}\n", "broken.py")
    with pytest.raises(EngineError, match=r"SyntaxError.*broken\.py line 2"):
        Preprocessor.load(broken)
    raising = _script(tmp_path, "import json\nraise RuntimeError('boom')\n", "raising.py")
    with pytest.raises(EngineError, match=r"RuntimeError: boom \(at .*raising\.py line 2"):
        Preprocessor.load(raising)
    missing = _script(tmp_path, "def other(r):\n    return {}\n", "missing.py")
    with pytest.raises(EngineError, match="does not define preprocess_handler"):
        Preprocessor.load(missing)
    with pytest.raises(EngineError, match="does not exist"):
        Preprocessor.load(tmp_path / "nope.py")


def test_run_postprocess_calls_the_handler_once(tmp_path: Path) -> None:
    marker = tmp_path / "calls.txt"
    script = _script(
        tmp_path,
        "from pathlib import Path\n"
        f"MARKER = Path({str(marker)!r})\n"
        "def postprocess_handler():\n"
        "    MARKER.write_text(MARKER.read_text() + 'x' if MARKER.exists() else 'x')\n",
        "post.py",
    )
    run_postprocess(script)
    assert marker.read_text() == "x"


def test_run_postprocess_failure_names_file_and_line(tmp_path: Path) -> None:
    script = _script(tmp_path, "def postprocess_handler():\n    1 / 0\n", "post.py")
    with pytest.raises(
        EngineError, match=r"ZeroDivisionError.*post\.py line 2, in postprocess_handler"
    ):
        run_postprocess(script)
