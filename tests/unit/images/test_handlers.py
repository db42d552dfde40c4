from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from plimsoll.images._context import InvocationContext
from plimsoll.images._errors import InferenceError, StartupError
from plimsoll.images._handlers import (
    Handlers,
    default_predict_fn,
    load_user_module,
    resolve_handlers,
)
from tests.unit.images.conftest import WriteScript


class Doubler:
    def predict(self, data: Any) -> Any:
        return data * 2


def _resolve(tmp_path: Path, program: str | None) -> Handlers:
    module = load_user_module(tmp_path / "code", program)
    return resolve_handlers(module, default_accept="application/json")


def _context(tmp_path: Path, custom_attributes: str | None = None) -> InvocationContext:
    return InvocationContext(model_dir=tmp_path, custom_attributes=custom_attributes)


def test_defaults_decode_predict_and_encode(tmp_path: Path) -> None:
    handlers = resolve_handlers(None, default_accept="text/csv")
    result = handlers.transform(Doubler(), "1,2", "text/csv", "text/csv", _context(tmp_path))
    assert result == (b"2.0,4.0\n", "text/csv")


def test_user_handlers_replace_defaults(tmp_path: Path, write_script: WriteScript) -> None:
    program = write_script(
        """
        def model_fn(model_dir):
            return {"offset": 10, "dir": model_dir}

        def input_fn(input_data, content_type):
            return int(input_data)

        def predict_fn(data, model):
            return data + model["offset"]

        def output_fn(prediction, accept):
            return str(prediction)
        """
    )
    handlers = _resolve(tmp_path, program)
    model = handlers.load_model(tmp_path)
    assert model == {"offset": 10, "dir": str(tmp_path)}
    assert handlers.transform(model, "5", "text/plain", "text/plain", _context(tmp_path)) == "15"


def test_context_reaches_handlers_that_take_it(tmp_path: Path, write_script: WriteScript) -> None:
    program = write_script(
        """
        def model_fn(model_dir, context):
            return context.system_properties["model_dir"]

        def input_fn(input_data, content_type, context):
            return context.custom_attributes

        def predict_fn(data, model, *, context):
            context.response_custom_attributes = "seen=" + data
            return data

        def output_fn(prediction, accept):
            return prediction
        """
    )
    handlers = _resolve(tmp_path, program)
    model = handlers.load_model(tmp_path)
    assert model == str(tmp_path)
    context = _context(tmp_path, custom_attributes="trace=7")
    assert handlers.transform(model, "x", "text/csv", "text/csv", context) == "trace=7"
    assert context.response_custom_attributes == "seen=trace=7"


def test_transform_fn_takes_everything(tmp_path: Path, write_script: WriteScript) -> None:
    program = write_script(
        """
        def transform_fn(model, input_data, content_type, accept):
            return f"{model}|{input_data}|{content_type}|{accept}", "text/plain"
        """
    )
    handlers = _resolve(tmp_path, program)
    result = handlers.transform("m", "d", "text/csv", "text/plain", _context(tmp_path))
    assert result == ("m|d|text/csv|text/plain", "text/plain")


def test_transform_fn_with_request_handlers_is_refused(
    tmp_path: Path, write_script: WriteScript
) -> None:
    program = write_script(
        """
        def transform_fn(model, input_data, content_type, accept):
            return ""

        def predict_fn(data, model):
            return data

        def output_fn(prediction, accept):
            return ""
        """
    )
    with pytest.raises(StartupError, match="transform_fn together with predict_fn, output_fn"):
        _resolve(tmp_path, program)


@pytest.mark.parametrize(
    "source",
    [
        "def predict_fn(data):\n    return data\n",
        "def predict_fn(data, model, context, extra):\n    return data\n",
        "def predict_fn(data, model, *, flag):\n    return data\n",
    ],
)
def test_unusable_signatures_are_refused(
    tmp_path: Path, write_script: WriteScript, source: str
) -> None:
    program = write_script(source)
    with pytest.raises(StartupError, match=r"predict_fn\(data, model\[, context\]\)"):
        _resolve(tmp_path, program)


def test_optional_lifecycle_hooks_run_around_model_fn(
    tmp_path: Path, write_script: WriteScript
) -> None:
    program = write_script(
        """
        calls = []

        def pre_model_fn(model_dir):
            calls.append("pre")

        def model_fn(model_dir):
            calls.append("model")
            return calls

        def model_warmup_fn(model_dir, model):
            model.append("warmup")
        """
    )
    assert _resolve(tmp_path, program).load_model(tmp_path) == ["pre", "model", "warmup"]


def test_model_fn_failure_is_a_startup_error(tmp_path: Path, write_script: WriteScript) -> None:
    program = write_script("def model_fn(model_dir):\n    raise KeyError('weights')\n")
    with pytest.raises(StartupError, match="model_fn failed: KeyError: 'weights'"):
        _resolve(tmp_path, program).load_model(tmp_path)


def test_missing_program_is_named(tmp_path: Path, write_script: WriteScript) -> None:
    write_script("")
    with pytest.raises(StartupError, match="SAGEMAKER_PROGRAM=absent.py: no module 'absent'"):
        load_user_module(tmp_path / "code", "absent.py")


def test_script_import_failure_is_a_startup_error(
    tmp_path: Path, write_script: WriteScript
) -> None:
    program = write_script("import not_a_real_dependency_xyz\n")
    with pytest.raises(StartupError, match="not_a_real_dependency_xyz") as caught:
        load_user_module(tmp_path / "code", program)
    assert isinstance(caught.value.__cause__, ModuleNotFoundError)
    program = write_script("raise RuntimeError('boom')\n")
    with pytest.raises(StartupError, match="RuntimeError: boom"):
        load_user_module(tmp_path / "code", program)


def test_inference_py_is_the_default_program(tmp_path: Path, write_script: WriteScript) -> None:
    code_dir = tmp_path / "code"
    write_script("")  # creates code_dir and registers cleanup
    assert load_user_module(code_dir, None) is None
    (code_dir / "helper_for_tests.py").write_text("FACTOR = 3\n")
    (code_dir / "inference.py").write_text(
        "from helper_for_tests import FACTOR\n\ndef predict_fn(data, model):\n"
        "    return data * FACTOR\n"
    )
    module = load_user_module(code_dir, None)
    assert module is not None and module.__name__ == "inference"
    assert sys.path[0] == str(code_dir)
    handlers = resolve_handlers(module, default_accept="application/json")
    result = handlers.transform(None, "[1]", "application/json", "*/*", _context(tmp_path))
    assert isinstance(result, tuple)
    assert json.loads(result[0]) == [3.0]


def test_default_predict_needs_a_predict_method() -> None:
    with pytest.raises(InferenceError, match="has no predict"):
        default_predict_fn([1], object())
