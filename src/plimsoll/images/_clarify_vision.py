"""The Clarify image's image explainability: Kernel SHAP over superpixels (spec §3.2-§3.4).

With ``dataset_type`` ``application/x-image`` the data input holds image files (``.jpg``,
``.jpeg``, ``.png``, recursively, in name order); :func:`image_dataset` lists them as one
``image`` column of paths. This module explains ``image_config.model_type``
``IMAGE_CLASSIFICATION``; ``OBJECT_DETECTION`` goes to :mod:`._clarify_detection`, which plays
the same superpixel games per detected object.

Each image is its own Shapley game (spec §3.3): it is decoded to RGB with Pillow and cut into
SLIC superpixels (``skimage.segmentation.slic``, ``n_segments=num_segments`` (20),
``compactness=segment_compactness`` (5), ``start_label=0``); each segment is one player. A
coalition keeps a segment's pixels or replaces them by the baseline image's pixels. The
baseline (spec §3.2) is white noise at the image's size, drawn from ``seed`` (0 when unset),
so every image of one size gets the same noise; a ``baseline`` given as a local path or
``file://`` URI of an image is resized to the input instead (an S3 URI is refused: the image
cannot read S3 yet). The engine's ``kernel_shap`` plays the game on 0/1 masks (record row all
ones, baseline row all zeros); every perturbed image is encoded as the predictor's
``content_type`` (``image/jpeg`` by default, or ``image/png``) and sent alone, one image per
InvokeEndpoint request, :data:`PARALLEL_REQUESTS` requests in flight.

Outputs (the spec names no layout, so these are assumptions): ``explanations.kernel_shap.
<label>`` holds ``expected_value`` (mean over images of the all-baseline prediction, link
space), ``global_shap_values`` (empty: segments differ per image) and ``image_explanations``
({image file, relative to the folder holding them all: {segment id: value}}). Each image gets
a heat map ``explanations_shap/<image stem>_<label>.png``: the image in grey with positive segments
painted red and negative ones blue, in proportion to |value| over the image's largest |value|.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plimsoll.compat.clarify_analysis_config import AnalysisConfig, ShapMethod
from plimsoll.engines.shap import KernelShapConfig, kernel_shap, label_names
from plimsoll.errors import ModelError, ValidationError
from plimsoll.images._clarify_dataset import Dataset
from plimsoll.images._clarify_model import PARALLEL_REQUESTS, ModelClient
from plimsoll.images._clarify_payload import Payload

__all__ = [
    "DEFAULT_ACCEPT",
    "IMAGE_COLUMN",
    "IMAGE_DATASET_TYPE",
    "Image",
    "baseline_image",
    "encode_image",
    "explain_images",
    "heat_map",
    "image_dataset",
    "image_format",
    "read_image",
    "superpixels",
]

logger = logging.getLogger("analyzer")

IMAGE_DATASET_TYPE = "application/x-image"
IMAGE_COLUMN = "image"
DEFAULT_NUM_SEGMENTS = 20
DEFAULT_COMPACTNESS = 5
DEFAULT_CONTENT_TYPE = "image/jpeg"
DEFAULT_ACCEPT = "application/json"
_SUFFIXES = {".jpg", ".jpeg", ".png"}
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
Image = NDArray[np.uint8]


def image_dataset(data_dir: Path) -> Dataset:
    """The image files under ``data_dir`` as one ``image`` column of paths, in name order."""
    files = sorted(
        p for p in ([data_dir] if data_dir.is_file() else data_dir.rglob("*"))
        if p.is_file() and p.suffix.lower() in _SUFFIXES
    )  # fmt: skip
    if not files:
        raise ValidationError(f"No image files (.jpg, .jpeg, .png) found under {data_dir}")
    column = np.array([str(p) for p in files], dtype=object)
    return Dataset(columns={IMAGE_COLUMN: column}, label=None, predicted_label=None)


def read_image(path: Path) -> Image:
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    try:
        with PILImage.open(path) as found:
            return np.asarray(found.convert("RGB"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(f"{path.name} is not a readable image: {exc}") from None


def encode_image(image: Image, image_format: str) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.fromarray(image, "RGB").save(buffer, format=image_format)
    return buffer.getvalue()


def baseline_image(shap: ShapMethod, shape: tuple[int, ...]) -> Image:
    """White noise at the input's size (seeded), or the given image resized (spec §3.2)."""
    given = shap.baseline
    if given is None:
        rng = np.random.default_rng(shap.seed or 0)
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    if not isinstance(given, str):
        raise ValidationError("an image shap baseline must be the URI of one image")
    path = Path(given.removeprefix("file://"))
    if "://" in given and not given.startswith("file://") or not path.is_file():
        raise ValidationError(
            f"image shap baseline {given!r}: only a local path or file:// URI of an image is "
            "supported by this Plimsoll version yet; omit it for the default (white noise)"
        )
    from PIL import Image as PILImage

    image = PILImage.fromarray(read_image(path), "RGB").resize((shape[1], shape[0]))
    return np.asarray(image, dtype=np.uint8)


def image_format(content_type: str) -> str:
    """Pillow's format name for an image ``content_type`` (image/jpeg or image/png)."""
    if content_type not in _FORMATS:
        raise ValidationError(
            f"image explainability sends images as image/jpeg or image/png; the "
            f"predictor's content_type is {content_type!r}"
        )
    return _FORMATS[content_type]


def superpixels(image: Image, shap: ShapMethod) -> NDArray[np.int64]:
    from skimage.segmentation import slic

    config = shap.image_config
    assert config is not None
    n = config.num_segments or DEFAULT_NUM_SEGMENTS
    compactness = config.segment_compactness or DEFAULT_COMPACTNESS
    labels = slic(image, n_segments=n, compactness=compactness, start_label=0)
    return np.asarray(labels, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class _Sender:
    """Sends one encoded image per InvokeEndpoint request and reads back the scores.

    ModelClient only encodes tabular records; its single-request path (``_invoke``, with its
    error mapping and response decoding) is reused on a client whose predictor carries the
    image content type and an accept type (``application/json`` when unset)."""

    client: ModelClient
    image_format: str

    @classmethod
    def of(cls, model: ModelClient) -> _Sender:
        predictor = model._predictor  # noqa: SLF001 - see the class docstring
        content = predictor.content_type or DEFAULT_CONTENT_TYPE
        fmt = image_format(content)
        typed = predictor.model_copy(
            update={"content_type": content, "accept_type": predictor.accept_type or DEFAULT_ACCEPT}
        )
        runtime = model._runtime  # noqa: SLF001
        return cls(ModelClient(runtime, model.endpoint_name, typed, content), fmt)

    def scores(self, images: Sequence[Image]) -> NDArray[np.float64]:
        bodies = [Payload(encode_image(image, self.image_format), 1) for image in images]
        with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
            parts = list(pool.map(self.client._invoke, bodies))  # noqa: SLF001
        rows = []
        for part in parts:
            if part.scores is not None:
                rows.append(np.asarray(part.scores, dtype=np.float64).reshape(-1))
                continue
            try:
                rows.append(np.asarray(part.labels, dtype=np.float64).reshape(-1))
            except (TypeError, ValueError):
                raise ModelError(
                    f"the model's label gives non-numeric values ({part.labels}); image "
                    "explanations need scores: set predictor probability"
                ) from None
        if len({r.size for r in rows}) != 1:
            raise ModelError(f"the model returned score vectors of sizes {[r.size for r in rows]}")
        return np.vstack(rows)


def _explain_image(
    image: Image, segments: NDArray[np.int64], baseline: Image, sender: _Sender,
    settings: KernelShapConfig,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # fmt: skip
    """phi ``(segments, outputs)`` and the all-baseline value (link space) of one image."""
    m = int(segments.max()) + 1

    def predict(masks: np.ndarray) -> NDArray[np.float64]:
        keep = np.asarray(masks, dtype=bool)
        return sender.scores([np.where(k[segments][..., None], image, baseline) for k in keep])

    result = kernel_shap(predict, np.ones((1, m)), np.zeros((1, m)), settings)
    return result.shap_values[0], result.base_values[0]


def heat_map(image: Image, segments: NDArray[np.int64], values: NDArray[np.float64]) -> Image:
    """The image in grey, positive segments tinted red and negative ones blue."""
    grey = image.astype(np.float64).mean(axis=2, keepdims=True).repeat(3, axis=2)
    top = float(np.abs(values).max())
    weight = (np.abs(values) / top if top > 0 else np.zeros_like(values))[segments][..., None]
    colour = np.where((values[segments] >= 0)[..., None], [255.0, 0.0, 0.0], [0.0, 0.0, 255.0])
    painted = grey * (1 - 0.6 * weight) + colour * 0.6 * weight
    out: Image = np.clip(painted, 0, 255).astype(np.uint8)
    return out


def explain_images(
    config: AnalysisConfig, shap: ShapMethod, dataset: Dataset, model: ModelClient,
    output_dir: Path,
) -> dict[str, Any]:  # fmt: skip
    """``explanations.kernel_shap`` for an image dataset; heat maps to ``explanations_shap/``."""
    image_config = shap.image_config
    if image_config is None or config.dataset_type != IMAGE_DATASET_TYPE:
        raise ValidationError(
            "image explainability needs dataset_type application/x-image and shap image_config"
        )
    kind = (image_config.model_type or "").upper()
    if kind not in ("IMAGE_CLASSIFICATION", "OBJECT_DETECTION"):
        raise ValidationError(
            f"image_config model_type must be IMAGE_CLASSIFICATION or OBJECT_DETECTION, "
            f"got {image_config.model_type!r}"
        )
    method = image_config.feature_extraction_method
    if method is not None and method != "segmentation":
        raise ValidationError(f"image_config feature_extraction_method {method!r}: only "
                              "'segmentation' exists")  # fmt: skip
    if shap.features_to_explain is not None:
        raise ValidationError("features_to_explain cannot be combined with image_config")
    if IMAGE_COLUMN not in dataset.columns:
        raise ValidationError("the image dataset has no image column")
    paths = [Path(p) for p in dataset.columns[IMAGE_COLUMN]]
    root = Path(os.path.commonpath([p.parent for p in paths]))
    if kind == "OBJECT_DETECTION":
        from plimsoll.images._clarify_detection import explain_detections  # imports this module

        return explain_detections(config, shap, paths, root, model, output_dir)
    sender = _Sender.of(model)
    settings = KernelShapConfig(
        num_samples=shap.num_samples, use_logit=bool(shap.use_logit), seed=shap.seed
    )
    found = []
    for path in paths:
        image = read_image(path)
        segments = superpixels(image, shap)
        phi, base = _explain_image(
            image, segments, baseline_image(shap, image.shape), sender, settings
        )
        found.append((path, image, segments, phi, base))
        logger.info("Explained %s over %d segments", path.name, phi.shape[0])
    headers = config.predictor.label_headers if config.predictor else None
    n_out = found[0][3].shape[1]
    labels = label_names(n_out, [str(h) for h in headers] if headers else None)
    folder = output_dir / "explanations_shap"
    folder.mkdir(parents=True, exist_ok=True)
    section: dict[str, Any] = {}
    for k, label in enumerate(labels):
        local = {}
        for path, image, segments, phi, _ in found:
            name = path.relative_to(root).as_posix()
            local[name] = {str(s): float(phi[s, k]) for s in range(phi.shape[0])}
            target = folder / f"{path.stem}_{label}.png"
            target.write_bytes(encode_image(heat_map(image, segments, phi[:, k]), "PNG"))
        section[label] = {
            "global_shap_values": {},
            "expected_value": float(np.mean([f[4][k] for f in found])),
            "image_explanations": local,
        }
    logger.info("Wrote %d heat maps under %s", len(found) * len(labels), folder)
    return section
