"""The end-to-end encrypted wire format across languages: what pynacl seals the browser's code
opens and the other way round, run by node on the very files the pages load (the vendored
tweetnacl and static/e2ee.js, through tests/e2ee_node.js); committed vectors pin the bytes, and
a flipped bit or a wrong key opens nowhere."""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import nacl.secret
import pytest

from pastebox.core.crypto import (
    E2EE_KEY_CHARS,
    OpenFailed,
    b64url,
    b64url_decode,
    e2ee_key_from_fragment,
    e2ee_open,
    e2ee_seal,
    new_e2ee_key,
)

HERE = Path(__file__).resolve().parent


NODE_SCRIPT = HERE / "e2ee_node.js"


VECTORS = json.loads((HERE / "vectors" / "e2ee.json").read_text(encoding="ascii"))


NODE_TIMEOUT = 60.0


RECORD = {
    "v": 1,
    "title": "Interop ✓ <b>not markup</b>",
    "files": [
        {"name": "a.py", "language": "python", "content": "print('héllo')\n\tindented\r\n"},
        {"name": "", "language": None, "content": "🙂 astral and \u2028 separators\x01"},
    ],
}


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("node is not installed")
    return found


def run_node(node: str, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    done = subprocess.run(
        [node, str(NODE_SCRIPT)],
        input=json.dumps(ops).encode(),
        capture_output=True,
        timeout=NODE_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    results = json.loads(done.stdout)
    assert len(results) == len(ops)
    return results


def node_open(node: str, key: bytes, content: str) -> dict[str, Any] | None:
    return run_node(node, [{"op": "open", "key": b64url(key), "content": content}])[0]["record"]


def node_seal(node: str, key: bytes, record: dict[str, Any]) -> str:
    return run_node(node, [{"op": "seal", "key": b64url(key), "record": record}])[0]["content"]


def flip_bit(content: str, byte: int, bit: int = 0) -> str:
    data = bytearray(b64url_decode(content))
    data[byte] ^= 1 << bit
    return b64url(bytes(data))


def unpadded_b64url(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9_-]+", text) is not None and len(text) % 4 != 1


# -- the committed vectors, in Python ------------------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_pynacl_seals_each_vector_to_its_committed_content(vector):
    key, nonce = b64url_decode(vector["key"]), b64url_decode(vector["nonce"])
    plaintext = vector["plaintext"].encode("utf-8")
    sealed = nacl.secret.SecretBox(key).encrypt(plaintext, nonce)
    assert b64url(bytes(sealed)) == vector["content"]
    # the record's canonical JSON is the vector's plaintext: what e2ee_seal would seal
    canonical = json.dumps(vector["record"], ensure_ascii=False, separators=(",", ":"))
    assert canonical == vector["plaintext"]


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_e2ee_open_reads_each_vector_back_to_its_record(vector):
    assert e2ee_open(b64url_decode(vector["key"]), vector["content"]) == vector["record"]


@pytest.mark.parametrize("bad", VECTORS["must_not_open"], ids=lambda v: v["name"])
def test_e2ee_open_refuses_the_committed_bad_contents(bad):
    with pytest.raises(OpenFailed):
        e2ee_open(b64url_decode(bad["key"]), bad["content"])


def test_a_key_travels_as_43_unpadded_base64url_characters():
    key = new_e2ee_key()
    fragment = b64url(key)
    assert len(fragment) == E2EE_KEY_CHARS == 43
    assert unpadded_b64url(fragment)
    assert e2ee_key_from_fragment(fragment) == key


# -- the same vectors in node, with the browser's code ----------------------------------------


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_the_browser_code_seals_each_vector_to_its_committed_content(node, vector):
    op = {"op": "seal", "key": vector["key"], "nonce": vector["nonce"], "record": vector["record"]}
    assert run_node(node, [op])[0]["content"] == vector["content"]


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_the_browser_code_opens_each_vector_to_its_record(node, vector):
    assert node_open(node, b64url_decode(vector["key"]), vector["content"]) == vector["record"]


@pytest.mark.parametrize("bad", VECTORS["must_not_open"], ids=lambda v: v["name"])
def test_the_browser_code_refuses_the_committed_bad_contents(node, bad):
    assert node_open(node, b64url_decode(bad["key"]), bad["content"]) is None


# -- across languages ----------------------------------------------------------------------------


def test_what_python_seals_the_browser_code_opens(node):
    key = new_e2ee_key()
    assert node_open(node, key, e2ee_seal(key, RECORD)) == RECORD


def test_what_the_browser_code_seals_python_opens(node):
    key = new_e2ee_key()
    content = node_seal(node, key, RECORD)
    assert unpadded_b64url(content)
    assert e2ee_open(key, content) == RECORD


def test_the_browser_code_draws_a_new_nonce_for_every_seal(node):
    key = new_e2ee_key()
    op = {"op": "seal", "key": b64url(key), "record": RECORD}
    first, second = (r["content"] for r in run_node(node, [op, op]))
    assert first != second
    assert b64url_decode(first)[:24] != b64url_decode(second)[:24]
    assert e2ee_open(key, first) == e2ee_open(key, second) == RECORD


@pytest.mark.parametrize(("byte", "bit"), [(0, 0), (23, 7), (24, 0), (39, 3), (-1, 7)],
                         ids=["nonce-first", "nonce-last", "tag-first", "tag-last", "box-last"])  # fmt: skip
def test_a_flipped_bit_in_what_python_sealed_opens_in_neither_language(node, byte, bit):
    key = new_e2ee_key()
    damaged = flip_bit(e2ee_seal(key, RECORD), byte, bit)
    assert node_open(node, key, damaged) is None
    with pytest.raises(OpenFailed):
        e2ee_open(key, damaged)


@pytest.mark.parametrize(("byte", "bit"), [(0, 0), (24, 0), (-1, 7)],
                         ids=["nonce-first", "tag-first", "box-last"])  # fmt: skip
def test_a_flipped_bit_in_what_the_browser_code_sealed_opens_in_neither_language(node, byte, bit):
    key = new_e2ee_key()
    damaged = flip_bit(node_seal(node, key, RECORD), byte, bit)
    with pytest.raises(OpenFailed):
        e2ee_open(key, damaged)
    assert node_open(node, key, damaged) is None


def test_a_wrong_key_opens_in_neither_language(node):
    key, other = new_e2ee_key(), new_e2ee_key()
    from_python, from_node = e2ee_seal(key, RECORD), node_seal(node, key, RECORD)
    assert node_open(node, other, from_python) is None
    with pytest.raises(OpenFailed):
        e2ee_open(other, from_node)


@pytest.mark.parametrize(
    "content",
    ["", "short", "A" * 54 + "+/", "not base64url!" * 8, "A" * 53],
    ids=["empty", "too-short", "standard-alphabet", "punctuation", "impossible-length"],
)
def test_malformed_content_opens_in_neither_language_and_raises_nothing_else(node, content):
    key = new_e2ee_key()
    assert node_open(node, key, content) is None
    with pytest.raises(OpenFailed):
        e2ee_open(key, content)


def test_both_languages_read_a_link_fragment_the_same_way(node):
    key = new_e2ee_key()
    fragment = b64url(key)
    ops = [
        {"op": "key", "fragment": fragment},
        {"op": "key", "fragment": fragment[:-1]},
        {"op": "key", "fragment": fragment + "A"},
        {"op": "key", "fragment": fragment[:-1] + "+"},
    ]
    results = [r["key"] for r in run_node(node, ops)]
    assert results == [fragment, None, None, None]
    for bad in (op["fragment"] for op in ops[1:]):
        with pytest.raises(ValueError):
            e2ee_key_from_fragment(bad)
