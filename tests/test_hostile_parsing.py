"""Every parser of user text other than language detection (multipart header parameters, search
text, host names, user names, TTL words, sealed content) costs little whatever the text: inputs
shaped to make a regex backtrack or a loop go quadratic are answered within a CPU budget."""

import json

import pytest
from helpers import CURL, KB, MB, assert_cheap, assert_json_error

from pastebox.config_values import parse_ttl
from pastebox.core import accounts, pastes, search
from pastebox.web import payload, requests


def fill(unit: str, size: int, prefix: str = "", suffix: str = "") -> str:
    return prefix + unit * max(1, size // len(unit)) + suffix


DISPOSITIONS = {
    "many parameters": lambda n: fill("; a=b", n, "form-data"),
    "many quoted parameters": lambda n: fill('; a="b"', n, "form-data"),
    "an unclosed quote": lambda n: fill("a", n, 'form-data; name="'),
    "an unclosed quote of escapes": lambda n: fill("\\a", n, 'form-data; name="'),
    "a long quoted file name": lambda n: fill("a", n, 'form-data; name="f"; filename="', '"'),
    "a long parameter name": lambda n: fill("a", n, "form-data; "),
    "blanks around the equals sign": lambda n: fill(" ", n, "form-data; a=", "b"),
    "separators only": lambda n: fill(" ;", n, "form-data"),
}


@pytest.mark.parametrize("size", [64 * KB, 8 * MB], ids=["64KB", "8MB"])
@pytest.mark.parametrize("kind", DISPOSITIONS)
def test_hostile_header_parameters_are_parsed_or_refused_within_the_budget(kind, size):
    assert_cheap(payload.header_params, DISPOSITIONS[kind](size))


def test_a_multipart_part_with_a_header_of_hundreds_of_kilobytes_is_refused(app):
    disposition = DISPOSITIONS["many parameters"](300 * KB).replace(
        "form-data", 'form-data; name="content"'
    )
    body = f"--b0undary\r\nContent-Disposition: {disposition}\r\n\r\nx\r\n--b0undary--\r\n".encode()
    headers = {
        **CURL,
        "Accept": "application/json",
        "Content-Type": "multipart/form-data; boundary=b0undary",
    }
    res = app.post("/", body, headers=headers, status=400)
    assert_json_error(res, 400, "invalid_multipart")


def test_honest_header_parameters_are_read_as_before():
    value = 'form-data; name="file"; filename="a \\"b\\".py"; filename*=UTF-8\'\'a.py ;'
    assert payload.header_params(value) == {
        "name": "file", "filename": 'a "b".py', "filename*": "UTF-8''a.py"
    }  # fmt: skip


@pytest.mark.parametrize(
    "query",
    ['"' * 500, "a" * 499 + ":", "a:" * 250, '"a ' * 166, 'title:"' * 71, 'x:"' * 166,
     "lang:" * 100, "*" * 500, 'a"' * 250, "titl" * 125, "file:" * 100, "\x00" * 500],
)  # fmt: skip
def test_hostile_search_text_is_parsed_or_refused_within_the_budget(query):
    assert_cheap(search.parse_search, query)


@pytest.mark.parametrize(
    ("parse", "text"),
    [(requests._HOST_RE.fullmatch, "a" * 64 * KB + ":"),
     (requests._HOST_RE.fullmatch, "[" + "a:" * 32 * KB),
     (requests._HOST_RE.fullmatch, "a." * 32 * KB + ":123456"),
     (accounts.USER_NAME_RE.fullmatch, "a" * 2 * MB),
     (parse_ttl, "1" * 2 * MB),
     (parse_ttl, "1" + "h" * 2 * MB),
     (pastes.E2EE_CONTENT_RE.fullmatch, "a" * MB + "!")],
    ids=["host-letters", "host-brackets", "host-dots", "user-name", "ttl-digits", "ttl-letters",
         "sealed-content"],
)  # fmt: skip
def test_other_user_text_regexes_answer_within_the_budget(parse, text):
    assert_cheap(parse, text)


def test_the_nesting_check_of_a_json_body_of_code_full_of_brackets_is_cheap():
    # An honest paste of code sent as JSON: its brackets are in the content string.
    body = '{"content": ' + json.dumps("f(x)[0] = {1: [2]}\n" * (4 * MB // 20)) + "}"
    assert_cheap(payload._nesting, body)


@pytest.mark.parametrize(
    "body, depth",
    [
        ('{"a": [1, {"b": "]]]"}]}', 3),
        ('{"a": "\\"[[[["}', 1),
        ('{"a": "\\\\", "b": [[]]}', 3),
        ('"unclosed [[[', 0),
        ("]]]", 0),
        ("[" * 40, 40),
    ],
)
def test_the_nesting_check_counts_brackets_outside_strings_only(body, depth):
    assert payload._nesting(body) == depth
