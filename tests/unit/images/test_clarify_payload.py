"""Request bodies and response parsing of the Clarify image's model calls (spec §1.4)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from plimsoll.compat.clarify_analysis_config import Predictor
from plimsoll.errors import ModelError
from plimsoll.images._clarify_payload import decode_response, encode_records, extract_outputs

ROWS = [[1.5, "a"], [2, "b,c"]]
NAMES = ["x", "y"]


def test_csv_jsonlines_and_json_templates() -> None:
    [csv_body] = encode_records(ROWS, NAMES, Predictor(), "text/csv")
    assert csv_body.body == b'1.5,a\n2,"b,c"\n' and csv_body.records == 2
    [lines] = encode_records(ROWS, NAMES, Predictor(), "application/jsonlines")
    assert lines.body.decode().splitlines() == [
        '{"features":[1.5, "a"]}',
        '{"features":[2, "b,c"]}',
    ]
    kvp = Predictor(content_template='{"instances":$records}', record_template="$features_kvp")
    [body] = encode_records(ROWS, NAMES, kvp, "application/json")
    assert json.loads(body.body) == {"instances": [{"x": 1.5, "y": "a"}, {"x": 2, "y": "b,c"}]}
    named = Predictor(content_template="$record", record_template='{"v": "${x}"}')
    assert [p.body for p in encode_records(ROWS, NAMES, named, "application/json")] == [
        b'{"v": 1.5}', b'{"v": 2}',
    ]  # fmt: skip


def test_responses_give_labels_and_scores() -> None:
    one_line = decode_response(b"0.2,0.9\n", "text/csv", 2)
    out = extract_outputs(one_line, Predictor(), 2)
    assert out.scores is not None and out.scores[:, 0].tolist() == [0.2, 0.9]
    body = json.dumps({"predictions": [{"label": "b", "score": 0.7}, {"label": "a", "score": 0.1}]})
    found = decode_response(body.encode(), "application/json", 2)
    picked = Predictor(label="predictions[*].label", probability="predictions[*].score")
    out = extract_outputs(found, picked, 2)
    assert out.labels == ["b", "a"]
    assert out.scores is not None and np.allclose(out.scores[:, 0], [0.7, 0.1])


def test_unexpected_responses_name_what_came_back() -> None:
    with pytest.raises(ModelError, match="returned 3 application/jsonlines records for 2"):
        decode_response(b"1\n2\n3\n", "application/jsonlines", 2)
    with pytest.raises(ModelError, match="not numbers"):
        extract_outputs(decode_response(b"x\ny\n", "text/csv", 2), Predictor(), 2)
    with pytest.raises(ModelError, match="probability 'score' is not in"):
        extract_outputs([{"p": 1}, {"p": 2}], Predictor(probability="score"), 2)
