"""Creating a paste the curl way, in process: POST or PUT a raw body (or a multipart form) to
/ and get the URL back, the manage token in a header, names, languages and options."""

import re
from urllib.parse import quote

import pytest
from helpers import (
    BROWSER,
    CURL,
    CURL_URL_RE,
    DAY,
    HOUR,
    JSON,
    TEXT_TYPE,
    api_json,
    assert_json_error,
    curl_create,
    curl_send,
    iso,
    multipart,
)

# -- creating: POST and PUT a raw body ---------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "application/octet-stream", None],
    ids=["curl-data-binary", "text-plain", "octet-stream", "no-content-type"],
)
def test_post_of_a_raw_body_answers_201_with_the_url_and_a_newline(app, content_type):
    res = curl_send(app, body=b"print('hi')\n", content_type=content_type, status=201)
    assert res.headers["Content-Type"] == TEXT_TYPE
    match = CURL_URL_RE.fullmatch(res.text)
    assert match, res.text
    assert res.headers["Location"] == res.text.rstrip("\n")


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "application/octet-stream",
     "application/json", None],
    ids=["curl-data-binary", "text-plain", "octet-stream", "json", "no-content-type"],
)  # fmt: skip
def test_a_raw_body_is_stored_byte_exact_whatever_its_content_type(app, content_type):
    body = b"a=1&b=%20two\r\n\tthree +four\n"
    paste_id = curl_create(app, body=body, content_type=content_type)
    assert app.get(f"/{paste_id}", headers=CURL, status=200).body == body


def test_a_form_urlencoded_looking_body_is_the_paste_not_parsed_as_form_fields(app):
    """`curl --data-binary @f` labels any file as a form; `title=` in it is text, not an option."""
    body = b"content=other&title=Injected&burn=1"
    paste_id = curl_create(app, body=body, content_type="application/x-www-form-urlencoded")
    paste = api_json(app, paste_id)
    assert paste["content"] == body.decode()
    assert paste["title"] == ""
    assert paste["burnAfterRead"] is False


def test_put_to_root_creates_a_paste_like_post(app):
    paste_id = curl_create(app, body=b"put body\n", method="PUT", content_type="text/plain")
    assert app.get(f"/{paste_id}", headers=CURL).body == b"put body\n"


def test_the_reply_carries_the_manage_token_in_a_header(app):
    res = curl_send(app, body=b"x\n", status=201)
    token = res.headers["X-Manage-Token"]
    assert len(token) >= 32
    assert token not in res.text


def test_the_manage_token_from_the_header_deletes_the_paste(app):
    res = curl_send(app, body=b"x\n", status=201)
    paste_id = CURL_URL_RE.fullmatch(res.text).group(2)
    app.delete(
        f"/api/v1/pastes/{paste_id}",
        headers={"X-Manage-Token": res.headers["X-Manage-Token"]},
        status=200,
    )
    assert_json_error(app.get(f"/{paste_id}", headers=CURL, status=410), 410, "deleted")


def test_accept_json_gives_the_paste_as_json_with_its_manage_token(app):
    res = curl_send(app, body=b"x = 1\n", headers=JSON, status=201)
    assert res.content_type == "application/json"
    body = res.json
    assert re.fullmatch(r"[A-Za-z0-9]{8,32}", body["publicId"])
    assert body["url"] == f"http://localhost:80/{body['publicId']}"
    assert body["rawUrl"] == f"http://localhost:80/raw/{body['publicId']}"
    assert body["manageToken"] == res.headers["X-Manage-Token"]
    assert res.headers["Location"] == body["url"]
    assert "content" not in body  # the creator has it already


def test_put_to_a_file_name_sets_the_name_and_the_language(app):
    paste_id = curl_create(app, path="/hello.py", method="PUT", body=b"print('hi')\n")
    paste = api_json(app, paste_id)
    assert paste["files"][0]["name"] == "hello.py"
    assert paste["files"][0]["language"] == "python"
    assert paste["syntax"] == "python"
    res = app.get(f"/raw/{paste_id}/hello.py", headers=CURL, status=200)
    assert res.body == b"print('hi')\n"


def test_a_non_ascii_file_name_round_trips_through_put_and_the_disposition_header(app):
    name = "naïve-Ω.txt"
    paste_id = curl_create(app, path="/" + quote(name), method="PUT", body=b"x\n")
    assert api_json(app, paste_id)["files"][0]["name"] == name
    res = app.get(f"/{paste_id}", headers=CURL, status=200)
    assert res.headers["Content-Disposition"] == f"inline; filename*=UTF-8''{quote(name)}"
    assert app.get(f"/raw/{paste_id}/{quote(name)}", headers=CURL, status=200).body == b"x\n"


def test_multipart_with_two_file_parts_is_one_paste_with_two_files(app):
    body, content_type = multipart(
        ("file", "a.py", b"import os\n", None), ("file", "b.txt", b"plain words\n", None)
    )
    paste_id = curl_create(app, body=body, content_type=content_type)
    files = api_json(app, paste_id)["files"]
    assert [(f["name"], f["content"]) for f in files] == [
        ("a.py", "import os\n"),
        ("b.txt", "plain words\n"),
    ]
    assert files[0]["language"] == "python"


def test_a_content_form_field_is_the_text_of_the_paste(app):
    body, content_type = multipart(("content", b"from a form\r\nline two"))
    paste_id = curl_create(app, body=body, content_type=content_type)
    assert app.get(f"/{paste_id}", headers=CURL).body == b"from a form\r\nline two"


def test_form_fields_carry_the_options(app, clock):
    body, content_type = multipart(
        ("content", b"def f(): pass\n"),
        ("title", "Résumé".encode()),
        ("name", b"f.txt"),
        ("lang", b"python"),
        ("ttl", b"1h"),
        ("exposure", b"public"),
    )
    paste_id = curl_create(app, body=body, content_type=content_type)
    paste = api_json(app, paste_id)
    assert paste["title"] == "Résumé"
    assert paste["files"][0]["name"] == "f.txt"
    assert paste["syntax"] == "python"
    assert paste["exposure"] == "public"
    assert paste["expiresAt"] == iso(clock() + HOUR)


def test_a_form_field_overrides_the_same_option_in_the_query(app):
    body, content_type = multipart(("content", b"x\n"), ("title", b"from the form"))
    paste_id = curl_create(app, path="/?title=from+the+query", body=body, content_type=content_type)
    assert api_json(app, paste_id)["title"] == "from the form"


def test_options_in_the_query_string_apply_to_a_raw_body(app, clock):
    paste_id = curl_create(
        app, path="/?title=My%20title&lang=rust&name=main.rs&exposure=public&ttl=1d", body=b"x\n"
    )
    paste = api_json(app, paste_id)
    assert (paste["title"], paste["syntax"], paste["exposure"]) == ("My title", "rust", "public")
    assert paste["files"][0]["name"] == "main.rs"
    assert paste["expiresAt"] == iso(clock() + DAY)


def test_a_browser_form_post_is_redirected_to_the_new_paste(app):
    body, content_type = multipart(("content", b"from the page\n"), ("ttl", b"never"))
    res = curl_send(app, body=body, content_type=content_type, headers=BROWSER, status=303)
    match = re.fullmatch(r"http://localhost:80/([A-Za-z0-9]{8,32})", res.headers["Location"])
    assert match
    assert app.get(f"/raw/{match.group(1)}", headers=CURL).body == b"from the page\n"
