"""Object detection explainability's pure parts: response parsing, IoU, matching, regions."""

from __future__ import annotations

import json

import pytest

from plimsoll.errors import ModelError
from plimsoll.images._clarify_detection import (
    Detection,
    iou,
    matched_score,
    parse_detections,
    region,
    select_objects,
)


def test_parse_reads_the_object_detection_format_and_a_bare_list() -> None:
    rows = [[4.0, 0.86, 0.31, 0.07, 0.71, 0.93], [0, 0.3, 0, 0, 1, 1]]
    expected = [Detection(4, 0.86, (0.31, 0.07, 0.71, 0.93)), Detection(0, 0.3, (0, 0, 1, 1))]
    assert parse_detections(json.dumps({"prediction": rows}).encode()) == expected
    assert parse_detections(json.dumps(rows).encode()) == expected
    assert parse_detections(b'{"prediction": []}') == []


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"boxes": [[1, 0.9, 0, 0, 1, 1]]}', 'is not {"prediction"'),
        (b'{"prediction": [[1, 0.9, 0, 0, 1]]}', "[1, 0.9, 0, 0, 1]"),
        (b'{"prediction": [[1, "high", 0, 0, 1, 1]]}', "a detection is not"),
        (b'{"prediction": [0.9, 0.1]}', "a detection is not"),
        (b"not json", 'is not {"prediction"'),
    ],
)
def test_parse_refuses_other_shapes_quoting_the_response(body: bytes, says: str) -> None:
    with pytest.raises(ModelError) as caught:
        parse_detections(body)
    assert says in str(caught.value)
    assert body.decode()[:20] in str(caught.value)


def test_iou() -> None:
    assert iou((0, 0, 1, 1), (0, 0, 1, 1)) == 1.0
    assert iou((0, 0, 0.5, 1), (0.5, 0, 1, 1)) == 0.0  # touching, no overlap
    assert iou((0, 0, 0.5, 0.5), (0, 0, 1, 1)) == pytest.approx(0.25)
    assert iou((0, 0, 2, 1), (1, 0, 3, 1)) == pytest.approx(1 / 3)
    assert iou((0.2, 0.2, 0.2, 0.2), (0.2, 0.2, 0.2, 0.2)) == 0.0  # empty boxes


def test_matched_score_takes_the_best_same_class_box_overlapping_enough() -> None:
    target = Detection(1, 0.9, (0, 0, 1, 1))
    found = [
        Detection(1, 0.4, (0, 0, 1, 0.6)),  # IoU 0.6
        Detection(1, 0.7, (0, 0, 1, 0.5)),  # IoU 0.5: at the threshold counts
        Detection(1, 0.95, (0, 0, 1, 0.4)),  # IoU 0.4
        Detection(2, 0.99, (0, 0, 1, 1)),  # another class
    ]
    assert matched_score(found, target, 0.5) == 0.7
    assert matched_score(found, target, 0.55) == 0.4
    assert matched_score(found, target, 0.0) == 0.95
    assert matched_score([], target, 0.5) == 0.0


def test_select_objects_keeps_scores_above_the_threshold_best_first() -> None:
    found = [Detection(i, s, (0, 0, 1, 1)) for i, s in enumerate([0.5, 0.9, 0.6, 0.51, 0.8])]
    assert [d.score for d in select_objects(found, 0.5, 3)] == [0.9, 0.8, 0.6]
    assert [d.score for d in select_objects(found, 0.5, 10)] == [0.9, 0.8, 0.6, 0.51]
    assert select_objects(found, 0.95, 3) == []


def test_region_grows_from_the_box_to_the_whole_image_with_context() -> None:
    box = (0.25, 0.1, 0.5, 0.6)  # on 100 rows x 40 columns: rows 10-60, columns 10-20
    assert region(box, 0.0, 100, 40) == (10, 60, 10, 20)
    assert region(box, 1.0, 100, 40) == (0, 100, 0, 40)
    assert region(box, 0.5, 100, 40) == (5, 80, 5, 30)


def test_region_rounds_outwards_and_keeps_at_least_one_pixel() -> None:
    assert region((0.101, 0.0, 0.199, 1.0), 0.0, 10, 10) == (0, 10, 1, 2)
    assert region((0.5, 0.5, 0.5, 0.5), 0.0, 10, 10) == (5, 6, 5, 6)
    assert region((-0.2, -0.1, 1.3, 1.2), 0.0, 10, 10) == (0, 10, 0, 10)  # clipped
