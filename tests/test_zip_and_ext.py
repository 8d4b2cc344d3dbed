"""/zip/ID (every file of a paste, byte for byte; burns a burn paste) and /ID.ext (every file
with that language for a browser, the raw bytes for curl), in process."""

import io
import zipfile

from helpers import BROWSER, CURL, MISSING_ID, create, create_with_token

# -- /zip/ID ---------------------------------------------------------------------------------


def curl_files(app, *files: tuple[str, bytes]) -> str:
    """A several-file paste the way `curl -F file=@a -F file=@b` makes one."""
    res = app.post(
        "/", upload_files=[("file", name, data) for name, data in files], headers=CURL, status=201
    )
    return res.text.strip().rsplit("/", 1)[1]


def zip_contents(res) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(res.body)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_zip_holds_every_file_byte_for_byte(app):
    files = {"a.py": b"print(1)\r\n", "blob.bin": bytes(range(256)) * 4, "empty-ish.txt": b"\n"}
    paste_id = curl_files(app, *files.items())
    res = app.get(f"/zip/{paste_id}", headers=BROWSER, status=200)
    assert res.headers["Content-Type"] == "application/zip"
    assert res.headers["Content-Disposition"] == f"attachment; filename={paste_id}.zip"
    assert zip_contents(res) == files


def test_a_burn_paste_zip_consumes_it(app):
    paste_id = create(app, content="once\n", burnAfterRead=True)
    res = app.get(f"/zip/{paste_id}", status=200)
    assert list(zip_contents(res).values()) == [b"once\n"]
    assert res.headers["Cache-Control"] == "no-store"
    app.get(f"/zip/{paste_id}", status=410)


def test_the_zip_of_someone_elses_private_paste_is_404(app):
    paste_id, token = create_with_token(app, exposure="private")
    app.get(f"/zip/{paste_id}", status=404)
    app.get(f"/zip/{paste_id}", headers={"X-Manage-Token": token}, status=200)


def test_the_zip_of_a_missing_paste_is_404(app):
    app.get(f"/zip/{MISSING_ID}", status=404)


# -- /ID.ext ---------------------------------------------------------------------------------


def test_id_dot_ext_renders_every_file_with_that_language_in_a_browser(app):
    paste_id = create(
        app,
        files=[
            {"name": "a.txt", "content": "def f(): pass\n"},
            {"name": "b.txt", "content": "import os\n"},
        ],
    )
    text = app.get(f"/{paste_id}.py", headers=BROWSER, status=200).text
    assert text.count('<span class="lang">Python</span>') == 2
    assert "Plain text" not in text
    assert '<span class="k">def</span>' in text


def test_id_dot_ext_gives_curl_the_raw_bytes(app):
    paste_id = create(app, content="def f(): pass\r\n")
    res = app.get(f"/{paste_id}.py", headers=CURL, status=200)
    assert res.body == b"def f(): pass\r\n"
    assert res.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_id_dot_an_unknown_extension_renders_as_plain_text(app):
    paste_id = create(app, files=[{"name": "a.py", "content": "def f(): pass\n"}])
    text = app.get(f"/{paste_id}.klingon", headers=BROWSER, status=200).text
    assert '<span class="lang">Plain text</span>' in text
    assert '<span class="k">' not in text


def test_id_dot_ext_of_a_missing_paste_is_404(app):
    app.get(f"/{MISSING_ID}.py", headers=BROWSER, status=404)


# -- security headers on every new page ------------------------------------------------------


def test_the_zip_is_not_sniffable(app):
    res = app.get(f"/zip/{create(app)}", status=200)
    assert res.headers["X-Content-Type-Options"] == "nosniff"
