"""What a read costs: SQL statements per request (the maker's page view, a burn paste's claim)
and decodes of a file's bytes per request."""

import contextlib
import dataclasses
import sys
import threading
from collections.abc import Iterator

import pytest

from pastebox.core import pastes
from pastebox.core.errors import Gone
from pastebox.core.model import ANONYMOUS, NewFile, NewPaste

PASTES = "/api/v1/pastes"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@contextlib.contextmanager
def statements(store) -> Iterator[list[str]]:
    """The SQL statements the store runs meanwhile (on every connection), triggers' aside."""
    seen: list[str] = []
    store.trace(seen.append)
    try:
        yield seen
    finally:
        store.trace(None)
        seen[:] = [sql for sql in seen if not sql.startswith("--")]


def make(app, **fields) -> tuple[str, str]:
    body = app.post_json(PASTES, {"content": "print('hello')\n", **fields}).json
    return body["publicId"], body["manageToken"]


# -- the maker's page view: one read, as a visitor's --------------------------------------


@pytest.mark.parametrize("exposure", ["public", "unlisted", "private"])
def test_the_makers_page_view_costs_one_sql_read_as_a_visitors_does(app, store, exposure):
    paste_id, token = make(app, exposure=exposure)
    maker = {**BROWSER, "Cookie": f"pastebox_token={token}"}
    app.get(f"/{paste_id}", headers=maker)  # renders once: the render cache is not measured
    with statements(store) as maker_reads:
        page = app.get(f"/{paste_id}", headers=maker, status=200)
    assert token in page.text  # the maker is shown the token
    assert len(maker_reads) == 1, maker_reads
    visitor_id, _ = make(app, exposure="public")
    app.get(f"/{visitor_id}", headers=BROWSER)
    with statements(store) as visitor_reads:
        app.get(f"/{visitor_id}", headers=BROWSER, status=200)
    assert len(visitor_reads) == 1, visitor_reads


def test_a_wrong_token_cookie_is_still_counted_as_a_guess_and_shows_no_token(make_app, store):
    app = make_app()
    paste_id, token = make(app)
    wrong = {**BROWSER, "Cookie": "pastebox_token=" + "x" * len(token)}
    for _ in range(12):  # past the throttle: the page is still shown, without a token
        page = app.get(f"/{paste_id}", headers=wrong, status=200)
        assert token not in page.text
    assert token in app.get(
        f"/{paste_id}", headers={**BROWSER, "Cookie": f"pastebox_token={token}"}
    )


def test_made_by_reads_nothing_and_throttles_wrong_tokens(core, store):
    created = pastes.create(core, NewPaste(files=(NewFile("a.txt", b"x\n"),)))
    paste = pastes.peek(core, created.paste.id, ANONYMOUS)
    right = dataclasses.replace(ANONYMOUS, manage_token=created.manage_token)
    wrong = dataclasses.replace(ANONYMOUS, manage_token="w" * 43, client="10.0.0.9")
    with statements(store) as reads:
        assert pastes.made_by(core, paste, right)
        assert not pastes.made_by(core, paste, ANONYMOUS)
        verdicts = [pastes.made_by(core, paste, wrong) for _ in range(15)]
    assert reads == []
    assert not any(verdicts)
    assert pastes.made_by(core, paste, right)  # wrong guesses never lock the maker out


# -- a burn paste: its rows are read once, and one reader wins -----------------------------


def file_reads(sql: list[str]) -> list[str]:
    return [s for s in sql if s.lstrip().upper().startswith("SELECT") and "files f" in s]


def test_reading_a_burn_paste_reads_its_file_rows_once(app, store):
    paste_id, _ = make(app, burnAfterRead=True)
    with statements(store) as seen:
        body = app.get(f"{PASTES}/{paste_id}", status=200).json
    assert body["content"] == "print('hello')\n"
    assert len(file_reads(seen)) == 1, seen
    app.get(f"{PASTES}/{paste_id}", status=410)


def test_two_readers_of_a_burn_paste_one_succeeds(core):
    created = pastes.create(core, NewPaste(files=(NewFile("a.txt", b"once\n"),), burn=True))
    barrier, results = threading.Barrier(2), []

    def reader() -> None:
        barrier.wait()
        try:
            results.append(pastes.read(core, created.paste.id, ANONYMOUS).files[0].text)
        except Gone:
            results.append("gone")

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["gone", "once\n"]
    assert core.views.take_burned() == 1


def test_a_burn_paste_edited_between_its_read_and_its_claim_is_read_again(core, monkeypatch):
    created = pastes.create(core, NewPaste(files=(NewFile("a.txt", b"first\n"),), burn=True))
    owner = dataclasses.replace(ANONYMOUS, manage_token=created.manage_token)
    real_peek = pastes.peek

    def peek_then_edit(*args, **kwargs):
        seen = real_peek(*args, **kwargs)
        change = pastes.Edit(files=(NewFile("a.txt", b"second\n"),))
        pastes.edit(core, created.paste.id, owner, change)
        return seen

    monkeypatch.setattr(pastes, "peek", peek_then_edit)
    read = pastes.read(core, created.paste.id, ANONYMOUS)
    assert (read.revision, read.files[0].text) == (2, "second\n")
    monkeypatch.undo()
    with pytest.raises(Gone):
        pastes.peek(core, created.paste.id, ANONYMOUS)


# -- decodes: each file's bytes at most once a request ---------------------------------------


@contextlib.contextmanager
def decodes_of(content: bytes) -> Iterator[list[int]]:
    """How many times bytes equal to `content` are decoded (bytes.decode) meanwhile, on this
    thread (webtest runs the app on it)."""
    count = [0]

    def profile(frame, event, arg) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") == "decode":
            target = getattr(arg, "__self__", None)
            if type(target) is bytes and target == content:
                count[0] += 1

    sys.setprofile(profile)
    try:
        yield count
    finally:
        sys.setprofile(None)


CONTENTS = ["only text é\n" * 200, "second file\n" * 300]


def multi_file(app) -> str:
    files = [{"name": f"f{i}.txt", "content": text} for i, text in enumerate(CONTENTS)]
    return app.post_json(PASTES, {"files": files}).json["publicId"]


@pytest.mark.parametrize("index", range(len(CONTENTS)))
def test_an_api_get_decodes_each_file_at_most_once(app, index):
    paste_id = multi_file(app)
    with decodes_of(CONTENTS[index].encode()) as count:
        res = app.get(f"{PASTES}/{paste_id}", status=200)
    assert CONTENTS[index] in res.json["files"][index]["content"]
    assert count[0] <= 1


@pytest.mark.parametrize("index", range(len(CONTENTS)))
def test_a_raw_get_decodes_the_file_at_most_once(app, index):
    paste_id = multi_file(app)
    with decodes_of(CONTENTS[index].encode()) as count:
        res = app.get(f"/raw/{paste_id}/f{index}.txt", status=200)
    assert res.body == CONTENTS[index].encode()
    assert count[0] <= 1


def test_an_edit_keeping_the_files_decodes_each_at_most_once(core):
    created = pastes.create(core, NewPaste(files=(NewFile("a.txt", CONTENTS[0].encode()),)))
    owner = dataclasses.replace(ANONYMOUS, manage_token=created.manage_token)
    with decodes_of(CONTENTS[0].encode()) as count:
        edited = pastes.edit(core, created.paste.id, owner, pastes.Edit(title="renamed"))
    assert edited.title == "renamed"
    assert count[0] <= 1
