"""The static files, in process: the stylesheets served from the package, and no path out of
the static folder ever a file."""

import pytest
from helpers import BROWSER, CURL, STATIC

from pastebox.render import stylesheet

# -- static files ----------------------------------------------------------------------------


def test_the_site_stylesheet_is_served_as_css_from_the_package(app):
    res = app.get("/static/pastebox.css", status=200)
    assert res.content_type == "text/css"
    assert res.body == (STATIC / "pastebox.css").read_bytes()
    assert res.headers["Cache-Control"] == "public, max-age=3600"
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_the_highlighting_stylesheet_is_served_as_css_with_a_dark_variant(app):
    res = app.get("/static/pygments.css", status=200)
    assert res.headers["Content-Type"] == "text/css; charset=utf-8"
    assert res.text == stylesheet()
    assert ".code" in res.text and "prefers-color-scheme: dark" in res.text


TRAVERSALS = (
    "/static/../app.py",
    "/static/%2e%2e/app.py",
    "/static/..%2fapp.py",
    "/static/%2e%2e%2fapp.py",
    "/static/..%5capp.py",
    "/static/./../app.py",
    "/static/../templates/base.tpl",
    "/static/../../pyproject.toml",
    "/static/../../../../../../etc/passwd",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/pastebox.css%00.py",
    "/static/%00",
    "/static/..",
    "/static/nope.css",
)


@pytest.mark.parametrize("path", TRAVERSALS)
@pytest.mark.parametrize("accept", [CURL, BROWSER], ids=["curl", "browser"])
def test_a_path_out_of_the_static_folder_is_404_never_a_file(app, path, accept):
    res = app.get(path, headers=accept, status=404)
    for leak in (b"create_app", b"root:", b"[build-system]", b"rebase(", b"% for"):
        assert leak not in res.body
    assert "public" not in res.headers.get("Cache-Control", "")  # a miss is not cached
    if accept is BROWSER:
        assert res.content_type == "text/html"
    else:
        assert res.json["error"] == "not_found"
