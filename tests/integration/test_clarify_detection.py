"""Object detection explainability in the Clarify image, against a real endpoint.

The model "detects" a white square (class 1) on a dark image: its box is the bounding box of
the white pixels and its score the fraction of the square's 144 pixels still white. It also
always reports a weak class-0 detection (score 0.2) that ``probability_threshold`` drops, and
answers a malformed object when the top-left pixel is pure red. With a black baseline image,
masking a dark superpixel changes nothing (a dummy player, exactly 0 with few enough segments
for exact enumeration), the all-baseline image has no detection (value 0), and more visible
square can only raise the value, so every value is >= 0 and an object's values add up to its
score, 1.
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

SQUARE_CODE = """
import io
import json
import numpy as np
from PIL import Image
def model_fn(model_dir):
    return None
def input_fn(input_data, content_type):
    return np.asarray(Image.open(io.BytesIO(input_data)).convert("RGB"), dtype=float)
def predict_fn(image, model):
    if tuple(image[0, 0]) == (255.0, 0.0, 0.0):
        return {"boxes": "none"}
    rows = [[0, 0.2, 0.0, 0.0, 0.1, 0.1]]
    bright = (image > 200).all(axis=2)
    if bright.any():
        r, c = np.nonzero(bright)
        h, w = bright.shape
        rows.insert(0, [1, min(1.0, bright.sum() / 144.0), c.min() / w, r.min() / h,
                        (c.max() + 1) / w, (r.max() + 1) / h])
    return {"prediction": rows}
def output_fn(prediction, accept):
    return json.dumps(prediction), "application/json"
"""
SIZE, SIDE, SEGMENTS = 40, 12, 8
CORNERS = {"img0.png": (6, 8), "img1.png": (20, 22)}  # top-left (row, column) of the square


def _image(corner: tuple[int, int] | None) -> np.ndarray:
    image = np.zeros((SIZE, SIZE, 3), dtype=np.uint8)
    image[...] = (30, 10, 50)  # dark, not grey
    if corner is not None:
        image[corner[0] : corner[0] + SIDE, corner[1] : corner[1] + SIDE] = 255
    return image


@pytest.fixture(scope="module")
def endpoint(boto_sagemaker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = unique("cl-detect")
    create_model(boto_sagemaker, tmp_path_factory.mktemp("clarify-detect"), name, SQUARE_CODE)
    with serving(boto_sagemaker, name, name) as found:
        yield found


def _run(
    tmp_path: Path, endpoint: str, images: dict[str, np.ndarray], **image_config: Any
) -> tuple[int, str, Path]:
    data, config_dir = tmp_path / "data", tmp_path / "config"
    data.mkdir()
    config_dir.mkdir()
    for name, image in images.items():
        Image.fromarray(image, "RGB").save(data / name)
    baseline = tmp_path / "black.png"
    Image.fromarray(np.zeros((SIZE, SIZE, 3), dtype=np.uint8), "RGB").save(baseline)
    config = {
        "dataset_type": "application/x-image",
        "methods": {"shap": {"baseline": f"file://{baseline}", "image_config": {
            "model_type": "OBJECT_DETECTION", "num_segments": SEGMENTS,
            "segment_compactness": 5, **image_config}}},
        "predictor": {"endpoint_name": endpoint, "content_type": "image/png",
                      "label_headers": ["background", "square"]},
    }  # fmt: skip
    (config_dir / "analysis_config.json").write_text(json.dumps(config))
    output, message = tmp_path / "output", tmp_path / "message"
    code = run(config_dir, data, output, message)
    return code, message.read_text(), output


def _heat_map(path: Path) -> np.ndarray:
    with Image.open(io.BytesIO(path.read_bytes())) as decoded:
        assert decoded.size == (SIZE, SIZE)
        return np.asarray(decoded.convert("RGB"), dtype=float)


def _check_object(found: dict[str, Any], corner: tuple[int, int], n_segments: int) -> None:
    assert found["class_id"] == 1
    assert found["score"] == pytest.approx(1.0)
    expected_box = [corner[1] / SIZE, corner[0] / SIZE, (corner[1] + SIDE) / SIZE,
                    (corner[0] + SIDE) / SIZE]  # fmt: skip
    assert found["box"] == pytest.approx(expected_box)
    values = {int(s): v for s, v in found["shap_values"].items()}
    assert sorted(values) == list(range(n_segments))
    assert sum(values.values()) == pytest.approx(1.0, abs=1e-9)  # score - all-baseline value
    assert min(values.values()) >= -1e-9


def test_square_segments_carry_the_attribution(
    tmp_path: Path, endpoint: str, job_env: None
) -> None:
    images = {name: _image(corner) for name, corner in CORNERS.items()}
    images["empty.png"] = _image(None)
    code, message, output = _run(tmp_path, endpoint, images)
    assert (code, message) == (0, COMPLETED_MESSAGE)
    section = json.loads((output / "analysis.json").read_text())["explanations"]["kernel_shap"]
    assert list(section) == ["square"]  # the weak class-0 detection is under the threshold
    assert section["square"]["expected_value"] == 0.0
    local = section["square"]["image_explanations"]
    assert sorted(local) == sorted(images)
    assert local["empty.png"] == []
    for name, corner in CORNERS.items():
        segments = slic(images[name], n_segments=SEGMENTS, compactness=5, start_label=0)
        [found] = local[name]
        _check_object(found, corner, int(segments.max()) + 1)
        square = np.zeros((SIZE, SIZE), dtype=bool)
        square[corner[0] : corner[0] + SIDE, corner[1] : corner[1] + SIDE] = True
        values = {int(s): v for s, v in found["shap_values"].items()}
        covering = {s for s in values if (square & (segments == s)).any()}
        for s, value in values.items():
            if s not in covering:  # all dark: a dummy player, exactly zero
                assert value == pytest.approx(0.0, abs=1e-9)
        assert max(values, key=lambda s: values[s]) in covering
        painted = _heat_map(output / "explanations_shap" / f"{Path(name).stem}_object0_square.png")
        assert tuple(painted[corner[0], corner[1]]) == (0.0, 255.0, 0.0)  # the box outline
        dark = np.isin(segments, [s for s in values if s not in covering])
        assert np.ptp(painted[dark], axis=1).max(initial=0) <= 1  # left grey
    assert not list((output / "explanations_shap").glob("empty*"))


def test_context_zero_plays_only_the_box(tmp_path: Path, endpoint: str, job_env: None) -> None:
    images = {"img0.png": _image(CORNERS["img0.png"])}
    code, message, output = _run(tmp_path, endpoint, images, context=0.0, max_objects=1)
    assert (code, message) == (0, COMPLETED_MESSAGE)
    section = json.loads((output / "analysis.json").read_text())["explanations"]["kernel_shap"]
    [found] = section["square"]["image_explanations"]["img0.png"]
    r, c = CORNERS["img0.png"]
    box = np.ascontiguousarray(images["img0.png"][r : r + SIDE, c : c + SIDE])
    n_segments = int(slic(box, n_segments=SEGMENTS, compactness=5, start_label=0).max()) + 1
    _check_object(found, (r, c), n_segments)
    painted = _heat_map(output / "explanations_shap" / "img0_object0_square.png")
    outside = np.ones((SIZE, SIZE), dtype=bool)
    outside[r : r + SIDE, c : c + SIDE] = False
    assert np.ptp(painted[outside], axis=1).max() <= 1  # not a player: left grey


def test_malformed_model_output_fails_naming_the_response(
    tmp_path: Path, endpoint: str, job_env: None
) -> None:
    image = _image(CORNERS["img0.png"])
    image[0, 0] = (255, 0, 0)
    code, message, output = _run(tmp_path, endpoint, {"bad.png": image})
    assert code == 1
    assert message.startswith("Error:")
    assert "prediction" in message and '"boxes"' in message
    assert not (output / "analysis.json").exists()
