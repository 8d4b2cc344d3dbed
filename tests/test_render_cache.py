"""The render cache behind the paste page, in process: a view rendered once, a new revision
rendered again, never a burn paste, timed-out renders kept only a while, counted at their size."""

import dataclasses
import functools

import pytest
import webtest
from helpers import BROWSER, PASTES, Document, create, create_with_token, page, reveal

from pastebox import render
from pastebox.web.app import services_of
from pastebox.web.pages.codeview import TIMED_OUT_RENDER_SECONDS

# -- the render cache ------------------------------------------------------------------------


class CountingRenderer:
    """The real renderer, counted; `fallback` makes every render look like one that fell back."""

    def __init__(self, inner: render.Renderer):
        self.inner = inner
        self.calls: list[tuple[str, str | None]] = []
        self.fallback = ""

    def highlight(self, text: str | bytes, language: str | None, anchor: str = render.ANCHOR,
                  bounds: render.Bounds | None = None):  # fmt: skip
        self.calls.append((text.decode() if isinstance(text, bytes) else text, language))
        result = self.inner.highlight(text, language, anchor, bounds)
        return dataclasses.replace(result, fallback=self.fallback) if self.fallback else result

    def close(self) -> None:
        pass


@pytest.fixture
def counted(renderer) -> CountingRenderer:
    return CountingRenderer(renderer)


@pytest.fixture
def make_counted_app(make_app, counted):
    return functools.partial(make_app, renderer=counted)


@pytest.fixture
def capp(make_counted_app) -> webtest.TestApp:
    return make_counted_app()


def test_a_second_view_is_served_from_the_render_cache(capp, counted):
    paste_id = create(capp, content="def f(): pass\n", syntax="python")
    first = page(capp, paste_id).text
    assert len(counted.calls) == 1
    second = page(capp, paste_id).text
    assert len(counted.calls) == 1
    assert first == second
    assert services_of(capp.app).render_cache.hits == 1


def test_every_file_is_rendered_once(capp, counted):
    paste_id = create(
        capp, files=[{"name": "a.py", "content": "a = 1\n"}, {"name": "b.py", "content": "b = 2\n"}]
    )
    for _ in range(3):
        page(capp, paste_id)
    assert sorted(counted.calls) == [("a = 1\n", "python"), ("b = 2\n", "python")]


def test_an_edit_renders_the_new_revision(capp, counted):
    paste_id, token = create_with_token(capp, content="old = 1\n", syntax="python")
    page(capp, paste_id)
    capp.patch_json(
        f"{PASTES}/{paste_id}",
        {"content": "new = 2\n"},
        headers={"X-Manage-Token": token},
        status=200,
    )
    shown = Document(page(capp, paste_id).text).text
    assert "new = 2" in shown and "old = 1" not in shown
    assert [call[0] for call in counted.calls] == ["old = 1\n", "new = 2\n"]


def test_id_dot_ext_is_cached_apart_from_the_plain_view(capp, counted):
    paste_id = create(capp, content="x = 1\n", syntax="text")
    for path in (f"/{paste_id}", f"/{paste_id}.py", f"/{paste_id}", f"/{paste_id}.py"):
        capp.get(path, headers=BROWSER, status=200)
    assert counted.calls == [("x = 1\n", "text"), ("x = 1\n", "python")]


def test_a_burn_paste_is_never_put_in_the_render_cache(capp, counted):
    paste_id = create(capp, content="secret = 1\n", syntax="python", burnAfterRead=True)
    reveal(capp, paste_id)
    assert len(counted.calls) == 1
    assert len(services_of(capp.app).render_cache) == 0


def test_with_no_render_cache_every_view_renders(make_counted_app, counted):
    app = make_counted_app(render_cache_mb=0)
    paste_id = create(app, content="x = 1\n", syntax="python")
    for _ in range(3):
        page(app, paste_id)
    assert len(counted.calls) == 3
    assert len(services_of(app.app).render_cache) == 0


def test_a_render_that_found_no_free_worker_is_not_cached(capp, counted):
    counted.fallback = render.FALLBACK_BUSY
    paste_id = create(capp, content="x = 1\n", syntax="python")
    page(capp, paste_id)
    page(capp, paste_id)
    assert len(counted.calls) == 2


def test_a_render_that_timed_out_is_cached_for_a_while_then_tried_again(capp, counted, clock):
    counted.fallback = render.FALLBACK_TIMEOUT
    paste_id = create(capp, content="x = 1\n", syntax="python")
    page(capp, paste_id)
    clock.advance(TIMED_OUT_RENDER_SECONDS - 1)
    page(capp, paste_id)
    assert len(counted.calls) == 1
    clock.advance(2)
    page(capp, paste_id)
    assert len(counted.calls) == 2


def test_a_good_render_outlives_the_timed_out_lifetime(capp, counted, clock):
    paste_id = create(capp, content="x = 1\n", syntax="python", expiresIn="1w")
    page(capp, paste_id)
    clock.advance(TIMED_OUT_RENDER_SECONDS * 10)
    page(capp, paste_id)
    assert len(counted.calls) == 1


# -- search snippets and big pastes --------------------------------------------------------------


def test_a_kept_render_is_counted_at_what_it_holds_in_memory():
    rendered = render.highlight_plain("é" * 1000)
    assert render.cached_size(rendered) >= len(rendered.html) + len(rendered.html_bytes)
