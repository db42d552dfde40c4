"""JSON Lines as Arrow columns: read only what ``json`` reads the same way, write as it writes."""

from __future__ import annotations

import json
import random

import pyarrow as pa
import pytest

from plimsoll.compat.json_columns import json_escaped, read_json_lines

SCHEMA = pa.schema([("a", pa.string()), ("b", pa.struct([("c", pa.string())]))])


def _read(content: bytes) -> list[dict[str, object]] | None:
    table = read_json_lines(content, SCHEMA)
    return None if table is None else table.to_pylist()


def test_plain_lines_are_read_with_absent_and_null_fields_as_null() -> None:
    content = b'{"a":"x","b":{"c":"y"}}\n{"a":null}\n{"b":{}}'
    assert _read(content) == [
        {"a": "x", "b": {"c": "y"}},
        {"a": None, "b": None},
        {"a": None, "b": {"c": None}},
    ]


def test_escapes_decode_as_json_does() -> None:
    value = 'q"b\\s/\b\f\n\r\t\x01\x1fé😀\x7f'
    content = json.dumps({"a": value}) + "\n" + json.dumps({"a": value}, ensure_ascii=False)
    assert _read(content.encode()) == [{"a": value, "b": None}] * 2


@pytest.mark.parametrize(
    "content",
    [
        b"null\n",  # Arrow 26 crashes on a first null line
        b'{"a":"x"}\nnull\n',
        b'{"a":"x"}\n\n{"a":"y"}\n',  # the record path skips blank lines: numbering differs
        b'{"a":"x"}\n  \n',
        b' {"a":"x"}\n',
        b'{"a":"x"} \n',
        b'{"a":"x"}\r\n',  # bytes.splitlines splits at \r, Arrow does not
        b'{"a":"x"}{"a":"y"}\n',  # two objects, one line
        b'{"a":\n"x"}\n',  # one object, two lines
        b'{"a":"x",\n"b":{"c":"y"}}\n',
        b'{"a":"\xff"}\n',  # not UTF-8: Arrow would not notice
        b'\xef\xbb\xbf{"a":"x"}\n',  # BOM
        b'{"a":"\\ud800"}\n',  # lone surrogate: Python keeps it, Arrow refuses
        b'{"a":"x","z":1}\n',  # a field the schema does not name
        b'{"a":1}\n',  # another type
        b'{"a":"x","a":"y"}\n',  # duplicate key: json keeps the last
        b'{"a":"x\ty"}\n',  # raw control character: not JSON
        b'{"a":NaN}\n',
        b"[1]\n",
        b'"x"\n',
        b"",
        b"\n",
    ],
)
def test_anything_the_record_path_may_read_otherwise_is_refused(content: bytes) -> None:
    assert _read(content) is None


def test_a_line_longer_than_a_block_is_read() -> None:
    big = "x" * (3 << 20)
    content = (json.dumps({"a": "s"}) + "\n" + json.dumps({"a": big}) + "\n").encode()
    assert _read(content) == [{"a": "s", "b": None}, {"a": big, "b": None}]


def test_escaping_matches_json_dumps_for_every_character_class() -> None:
    rng = random.Random(3)
    alphabet = [chr(c) for c in range(0x80)] + ["é", "✓", "😀", "\u2028", "\ufeff", "\U0010ffff"]
    values = ["", "plain", '"', "\\", "\\\\n", '\\"'] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(2000)
    ]
    escaped = json_escaped(pa.array([*values, None])).to_pylist()
    assert escaped[:-1] == [json.dumps(v, ensure_ascii=False)[1:-1] for v in values]
    assert escaped[-1] is None
    chunked = pa.chunked_array([pa.array(values[:5]), pa.array(values[5:])])
    assert json_escaped(chunked).to_pylist() == escaped[:-1]
