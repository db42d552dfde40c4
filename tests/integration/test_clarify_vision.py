"""Image explainability in the Clarify image, against a real endpoint on a Plimsoll server.

The model scores a PNG by the mean red value (over 255) of its left half, so the
attributions are known: a superpixel entirely in the right half is a dummy player (exactly 0
with few enough segments for exact enumeration), one in the left half, whose red is 255 in
the test images, beats the white-noise baseline and gets a positive value, and the values
of one image add up to f(image) - f(baseline image).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from skimage.segmentation import slic

from plimsoll.images.clarify import COMPLETED_MESSAGE, run
from tests.integration._clarify import create_model, serving, unique

RED_LEFT_CODE = """
import io
import numpy as np
from PIL import Image
def model_fn(model_dir):
    return None
def input_fn(input_data, content_type):
    return np.asarray(Image.open(io.BytesIO(input_data)).convert("RGB"), dtype=float)
def predict_fn(data, model):
    return np.array([[data[:, : data.shape[1] // 2, 0].mean() / 255.0]])
"""
SIZE = 32
SEGMENTS = 8


def _score(image: np.ndarray) -> float:
    return float(image[:, : image.shape[1] // 2, 0].astype(float).mean() / 255.0)


def _image(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = np.zeros((SIZE, SIZE, 3), dtype=np.uint8)
    image[:, : SIZE // 2, 0] = 255  # bright red left half
    image[:, : SIZE // 2, 1] = rng.integers(0, 40)
    image[:, SIZE // 2 :, :] = rng.integers(0, 256, size=3)  # one flat colour on the right
    return image


@pytest.fixture(scope="module")
def endpoint(boto_sagemaker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = unique("cl-image")
    create_model(boto_sagemaker, tmp_path_factory.mktemp("clarify-image"), name, RED_LEFT_CODE)
    with serving(boto_sagemaker, name, name) as found:
        yield found


def _config(endpoint: str, model_type: str) -> dict[str, Any]:
    return {
        "dataset_type": "application/x-image",
        "methods": {"shap": {"seed": 7, "image_config": {
            "model_type": model_type, "num_segments": SEGMENTS, "segment_compactness": 5,
            "feature_extraction_method": "segmentation"}}},
        "predictor": {"endpoint_name": endpoint, "content_type": "image/png",
                      "accept_type": "text/csv", "probability": 0},
    }  # fmt: skip


def _run(tmp_path: Path, config: dict[str, Any]) -> tuple[int, str, Path, dict[str, np.ndarray]]:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    images = {f"img{i}.png": _image(i) for i in range(3)}
    for name, image in images.items():
        Image.fromarray(image, "RGB").save(data / name)
    config_dir = tmp_path / "config"
    config_dir.mkdir(exist_ok=True)
    (config_dir / "analysis_config.json").write_text(json.dumps(config))
    output, message = tmp_path / "output", tmp_path / "message"
    code = run(config_dir, data, output, message)
    return code, message.read_text(), output, images


def test_left_half_segments_carry_the_attribution(
    tmp_path: Path, endpoint: str, job_env: None
) -> None:
    code, message, output, images = _run(tmp_path, _config(endpoint, "IMAGE_CLASSIFICATION"))
    assert (code, message) == (0, COMPLETED_MESSAGE)
    section = json.loads((output / "analysis.json").read_text())["explanations"]["kernel_shap"]
    assert list(section) == ["label0"]
    expected = section["label0"]["expected_value"]
    assert 0.3 < expected < 0.7  # the mean red of white noise is about 0.5
    local = section["label0"]["image_explanations"]
    assert sorted(local) == sorted(images)
    for name, image in images.items():
        segments = slic(image, n_segments=SEGMENTS, compactness=5, start_label=0)
        values = {int(s): v for s, v in local[name].items()}
        assert sorted(values) == list(range(int(segments.max()) + 1))
        assert sum(values.values()) == pytest.approx(_score(image) - expected, abs=1e-9)
        left = {s: float((segments[:, : SIZE // 2] == s).sum()) / (segments == s).sum()
                for s in values}  # fmt: skip
        for s, value in values.items():
            if left[s] == 0:  # a dummy player, exact enumeration: exactly zero
                assert value == pytest.approx(0.0, abs=1e-9)
            elif left[s] > 0.5:
                assert value > 0
        assert max(values, key=lambda s: values[s]) in {s for s in left if left[s] > 0.5}
        heat = output / "explanations_shap" / f"{Path(name).stem}_label0.png"
        with Image.open(io.BytesIO(heat.read_bytes())) as decoded:
            assert decoded.size == (SIZE, SIZE)
            painted = np.asarray(decoded.convert("RGB"), dtype=float)
        top = segments == max(values, key=lambda s: values[s])
        assert (painted[top][:, 0] > painted[top][:, 2] + 50).all()  # painted red
        dummy = np.isin(segments, [s for s in left if left[s] == 0])
        assert np.ptp(painted[dummy], axis=1).max(initial=0) <= 1  # left grey
