"""The Clarify image's object detection explainability (``image_config.model_type``
``OBJECT_DETECTION``, spec clarify.md §1.3, §3.3).

The model is called as for image classification (:mod:`._clarify_vision`): one image per
InvokeEndpoint request, encoded as the predictor's ``content_type`` (``image/jpeg`` by default,
or ``image/png``), :data:`PARALLEL_REQUESTS` requests in flight. Its answer must be
``application/json`` (the default ``accept_type`` here) in the response format of SageMaker's
built-in Object Detection algorithm: ``{"prediction": [[class_id, score, xmin, ymin, xmax,
ymax], ...]}``, coordinates normalised to [0, 1] by the image's width and height; a bare list of
such rows is accepted too. ``predictor.label`` and ``probability`` are not used. Anything else
is a ModelError quoting the response.

On each original image the detections scoring **more than** ``probability_threshold`` (top
level, default 0.5) are kept, at most ``max_objects`` (default 3) of them, best score first.
An image without any is reported with an empty object list (and a log line). Each kept object
is explained by a Shapley game over SLIC superpixels, segmented and masked exactly as for
classification (same ``num_segments``, ``segment_compactness``, ``seed``-drawn white-noise or
given baseline image). Assumptions where SageMaker documents nothing more:

* ``context`` (default 1.0) sets the region that is segmented and played: the object's box
  (pixels, rounded outwards) enlarged on every side by ``context`` times the distance to the
  image border, so 1.0 is the whole image and 0 only the box. Pixels outside the region keep
  their original values in every coalition (they are not players).
* The value of a coalition (masked image) for an object is the highest score among the
  masked image's detections of the same class whose IoU with the object's original box is at
  least ``iou_threshold`` (default 0.5), else 0. The threshold does not apply here.
* Objects sharing a region (all of them with ``context`` 1.0) share one game with one output
  per object, so every masked image is sent once and its detections serve all of them; the
  original image's detections are reused for the all-kept coalition.

Outputs: ``explanations.kernel_shap.<label>`` per detected class, named
``label_headers[class_id]`` when headers are given, else ``label<class_id>``, holding
``global_shap_values`` (empty), ``expected_value`` (mean over that class's objects of the
all-baseline value, link space; 0.0 when none) and ``image_explanations``: {image file: [one
{``class_id``, ``score``, ``box`` [xmin, ymin, xmax, ymax], ``shap_values`` {segment id:
value}} per object of that class]}; every image is listed under every label, with ``[]`` when
it has no such object. When nothing is detected in any image the labels are the
``label_headers`` (else ``label0``). Segment ids number the region's superpixels. Each object
gets a heat map ``explanations_shap/<image stem>_object<rank>_<label>.png`` (rank 0 is the
image's best object): the classification heat map over the region, the box outlined in green.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plimsoll.compat.clarify_analysis_config import AnalysisConfig, ShapMethod
from plimsoll.engines.shap import KernelShapConfig, kernel_shap
from plimsoll.errors import ModelError, ValidationError
from plimsoll.images._clarify_model import PARALLEL_REQUESTS, ModelClient, client_error
from plimsoll.images._clarify_vision import (
    DEFAULT_ACCEPT,
    Image,
    baseline_image,
    encode_image,
    heat_map,
    image_format,
    read_image,
    superpixels,
)

__all__ = [
    "Detection",
    "explain_detections",
    "iou",
    "matched_score",
    "parse_detections",
    "region",
    "select_objects",
]

logger = logging.getLogger("analyzer")

DEFAULT_MAX_OBJECTS = 3
DEFAULT_IOU_THRESHOLD = 0.5
DEFAULT_CONTEXT = 1.0
DEFAULT_PROBABILITY_THRESHOLD = 0.5
BOX_COLOUR = (0, 255, 0)
_SNIPPET = 200
Box = tuple[float, float, float, float]
Region = tuple[int, int, int, int]  # first row, end row, first column, end column


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected object: class id, score and normalised (xmin, ymin, xmax, ymax)."""

    class_id: int
    score: float
    box: Box


def _snippet(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return text[:_SNIPPET] + ("..." if len(text) > _SNIPPET else "")


def _is_row(row: Any) -> bool:
    numbers = isinstance(row, list) and len(row) == 6
    return numbers and all(isinstance(v, int | float) and not isinstance(v, bool) for v in row)


def parse_detections(raw: bytes) -> list[Detection]:
    """The detections in a JSON response body (see the module docstring for the format)."""
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        parsed = None
    rows = parsed.get("prediction") if isinstance(parsed, dict) else parsed
    problem = None
    if not isinstance(rows, list):
        problem = 'it is not {"prediction": [[class_id, score, xmin, ymin, xmax, ymax], ...]}'
    else:
        bad = [r for r in rows if not _is_row(r)]
        if bad:
            problem = f"a detection is not [class_id, score, xmin, ymin, xmax, ymax]: {bad[0]!r}"
    if problem is not None or not isinstance(rows, list):
        raise ModelError(f"object detection model response: {problem}; response: "
                         f"{_snippet(raw)!r}")  # fmt: skip
    found = []
    for row in rows:
        values = [float(v) for v in row]
        if not all(math.isfinite(v) for v in values):
            raise ModelError(f"object detection model response has a non-finite number in "
                             f"{row!r}; response: {_snippet(raw)!r}")  # fmt: skip
        box = (values[2], values[3], values[4], values[5])
        found.append(Detection(int(values[0]), values[1], box))
    return found


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (xmin, ymin, xmax, ymax) boxes; 0 for empty boxes."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(width, 0.0) * max(height, 0.0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def matched_score(found: Sequence[Detection], target: Detection, iou_threshold: float) -> float:
    """The best score among ``found`` of the target's class overlapping its box enough."""
    same = [d for d in found if d.class_id == target.class_id]
    scores = [d.score for d in same if iou(d.box, target.box) >= iou_threshold]
    return max(scores, default=0.0)


def select_objects(
    found: Sequence[Detection], probability_threshold: float, max_objects: int
) -> list[Detection]:
    """Detections scoring above the threshold, best first, at most ``max_objects``."""
    kept = [d for d in found if d.score > probability_threshold]
    return sorted(kept, key=lambda d: -d.score)[:max_objects]


def _pixels(box: Box, height: int, width: int) -> Region:
    """The box in pixels, rounded outwards, clipped to the image, at least one pixel."""
    c0 = min(max(math.floor(box[0] * width), 0), width - 1)
    r0 = min(max(math.floor(box[1] * height), 0), height - 1)
    c1 = max(min(math.ceil(box[2] * width), width), c0 + 1)
    r1 = max(min(math.ceil(box[3] * height), height), r0 + 1)
    return r0, r1, c0, c1


def region(box: Box, context: float, height: int, width: int) -> Region:
    """The box enlarged by ``context`` times its distance to each border (1: whole image)."""
    r0, r1, c0, c1 = _pixels(box, height, width)
    return (math.floor(r0 * (1 - context)), math.ceil(r1 + context * (height - r1)),
            math.floor(c0 * (1 - context)), math.ceil(c1 + context * (width - c1)))  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Detector:
    """Sends one image per InvokeEndpoint request and reads the detections back."""

    model: ModelClient
    content_type: str
    accept: str
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, model: ModelClient) -> _Detector:
        predictor = model._predictor  # noqa: SLF001 - the endpoint settings live there
        content = predictor.content_type or "image/jpeg"
        image_format(content)  # refuses anything but image/jpeg and image/png
        accept = predictor.accept_type or DEFAULT_ACCEPT
        if accept != DEFAULT_ACCEPT:
            raise ValidationError(
                "object detection explainability reads application/json model responses; "
                f"the predictor's accept_type is {accept!r}"
            )
        extra = {}
        if predictor.custom_attributes:
            extra["CustomAttributes"] = predictor.custom_attributes
        if predictor.target_model:
            extra["TargetModel"] = predictor.target_model
        return cls(model, content, accept, extra)

    def _detect(self, body: bytes) -> list[Detection]:
        from botocore.exceptions import BotoCoreError, ClientError

        name = self.model.endpoint_name
        try:
            response = self.model._runtime.invoke_endpoint(  # noqa: SLF001
                EndpointName=name, Body=body, ContentType=self.content_type,
                Accept=self.accept, **self.extra,
            )  # fmt: skip
            raw = response["Body"].read()
        except (ClientError, BotoCoreError) as exc:
            raise client_error(f"InvokeEndpoint {name}", exc) from None
        self.model.requests += 1
        return parse_detections(raw)

    def detect(self, images: Sequence[Image]) -> list[list[Detection]]:
        fmt = image_format(self.content_type)
        bodies = [encode_image(image, fmt) for image in images]
        with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
            return list(pool.map(self._detect, bodies))


@dataclass(frozen=True, slots=True)
class _Explained:
    rank: int
    detection: Detection
    phi: NDArray[np.float64]  # per segment of the region
    base: float
    segments: NDArray[np.int64]  # whole image; len(phi) outside the region


def _play(
    image: Image, baseline: Image, objects: list[tuple[int, Detection]], bounds: Region,
    original: list[Detection], detector: _Detector, shap: ShapMethod, iou_threshold: float,
    settings: KernelShapConfig,
) -> list[_Explained]:  # fmt: skip
    """One game over the region's superpixels, one output per object sharing the region."""
    r0, r1, c0, c1 = bounds
    local = superpixels(np.ascontiguousarray(image[r0:r1, c0:c1]), shap)
    m = int(local.max()) + 1
    segments = np.full(image.shape[:2], m, dtype=np.int64)
    segments[r0:r1, c0:c1] = local
    seen: dict[bytes, list[Detection]] = {np.ones(m, dtype=bool).tobytes(): original}

    def predict(masks: np.ndarray) -> NDArray[np.float64]:
        keep = np.asarray(masks, dtype=bool)
        todo = list(dict.fromkeys(k.tobytes() for k in keep if k.tobytes() not in seen))
        masked = []
        for key in todo:
            kept = np.append(np.frombuffer(key, dtype=bool), True)[segments]
            masked.append(np.where(kept[..., None], image, baseline))
        seen.update(zip(todo, detector.detect(masked), strict=True))
        return np.array([[matched_score(seen[k.tobytes()], obj, iou_threshold)
                          for _, obj in objects] for k in keep], dtype=np.float64)  # fmt: skip

    result = kernel_shap(predict, np.ones((1, m)), np.zeros((1, m)), settings)
    return [_Explained(rank, obj, result.shap_values[0][:, j], float(result.base_values[0][j]),
                       segments) for j, (rank, obj) in enumerate(objects)]  # fmt: skip


def _outlined(painted: Image, box: Box) -> Image:
    r0, r1, c0, c1 = _pixels(box, painted.shape[0], painted.shape[1])
    out = painted.copy()
    out[r0, c0:c1] = out[r1 - 1, c0:c1] = BOX_COLOUR
    out[r0:r1, c0] = out[r0:r1, c1 - 1] = BOX_COLOUR
    return out


def _setting(
    value: float | int | None, default: float, name: str, low: float, high: float
) -> float:
    chosen = default if value is None else float(value)
    if not low <= chosen <= high:
        raise ValidationError(f"image_config {name} must be in [{low:g}, {high:g}], got {value}")
    return chosen


def _label(class_id: int, headers: list[str] | None) -> str:
    if headers is None:
        return f"label{class_id}"
    if not 0 <= class_id < len(headers):
        raise ModelError(f"the model detected class_id {class_id} but there are "
                         f"{len(headers)} label_headers")  # fmt: skip
    return headers[class_id]


def explain_detections(
    config: AnalysisConfig, shap: ShapMethod, paths: Sequence[Path], root: Path,
    model: ModelClient, output_dir: Path,
) -> dict[str, Any]:  # fmt: skip
    """``explanations.kernel_shap`` for an object detection model; heat maps per object."""
    image_config = shap.image_config
    assert image_config is not None
    max_objects = int(_setting(image_config.max_objects, DEFAULT_MAX_OBJECTS, "max_objects", 1,
                               math.inf))  # fmt: skip
    iou_threshold = _setting(image_config.iou_threshold, DEFAULT_IOU_THRESHOLD, "iou_threshold",
                             0, 1)  # fmt: skip
    context = _setting(image_config.context, DEFAULT_CONTEXT, "context", 0, 1)
    threshold = config.probability_threshold
    threshold = DEFAULT_PROBABILITY_THRESHOLD if threshold is None else float(threshold)
    headers_given = config.predictor.label_headers if config.predictor else None
    headers = [str(h) for h in headers_given] if headers_given else None
    detector = _Detector.of(model)
    settings = KernelShapConfig(
        num_samples=shap.num_samples, use_logit=bool(shap.use_logit), seed=shap.seed
    )
    folder = output_dir / "explanations_shap"
    folder.mkdir(parents=True, exist_ok=True)
    done: list[tuple[str, list[_Explained]]] = []
    for path in paths:
        image = read_image(path)
        baseline = baseline_image(shap, image.shape)
        original = detector.detect([image])[0]
        objects = select_objects(original, threshold, max_objects)
        name = path.relative_to(root).as_posix()
        if not objects:
            logger.info("No object above probability_threshold %g in %s (%d detections)",
                        threshold, path.name, len(original))  # fmt: skip
            done.append((name, []))
            continue
        groups: dict[Region, list[tuple[int, Detection]]] = {}
        for rank, obj in enumerate(objects):
            bounds = region(obj.box, context, image.shape[0], image.shape[1])
            groups.setdefault(bounds, []).append((rank, obj))
        explained = [e for bounds, group in groups.items()
                     for e in _play(image, baseline, group, bounds, original, detector, shap,
                                    iou_threshold, settings)]  # fmt: skip
        explained.sort(key=lambda e: e.rank)
        for e in explained:
            label = _label(e.detection.class_id, headers)
            painted = heat_map(image, e.segments, np.append(e.phi, 0.0))
            target = folder / f"{path.stem}_object{e.rank}_{label}.png"
            target.write_bytes(encode_image(_outlined(painted, e.detection.box), "PNG"))
        done.append((name, explained))
        logger.info("Explained %d objects in %s", len(explained), path.name)
    return _section(done, headers)


def _section(done: list[tuple[str, list[_Explained]]], headers: list[str] | None) -> dict[str, Any]:
    ids = sorted({e.detection.class_id for _, found in done for e in found})
    labels = [(_label(i, headers), i) for i in ids]
    if not labels:
        logger.warning("No object above probability_threshold in any image")
        labels = [(h, -1) for h in headers] if headers else [("label0", -1)]
    section: dict[str, Any] = {}
    for label, class_id in labels:
        mine = [e for _, found in done for e in found if e.detection.class_id == class_id]
        section[label] = {
            "global_shap_values": {},
            "expected_value": float(np.mean([e.base for e in mine])) if mine else 0.0,
            "image_explanations": {
                name: [{"class_id": e.detection.class_id, "score": e.detection.score,
                        "box": list(e.detection.box),
                        "shap_values": {str(s): float(v) for s, v in enumerate(e.phi)}}
                       for e in found if e.detection.class_id == class_id]
                for name, found in done
            },
        }  # fmt: skip
    return section
