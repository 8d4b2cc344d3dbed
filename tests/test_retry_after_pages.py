"""A page that shows a refusal which passes with time (429, 503) says when to come back, as
every JSON error does: Retry-After is set in one place (web/responses.py) for all of them."""

from helpers import BROWSER

from pastebox.web.csrf import CSRF_COOKIE


def test_a_delete_form_refused_by_the_write_rate_limit_is_a_429_page_with_retry_after(make_app):
    app = make_app(rate_limit=1)
    created = app.post_json("/api/v1/pastes", {"content": "x\n"}, status=201).json  # the token
    paste_id = created["publicId"]
    app.get(f"/{paste_id}/delete", headers=BROWSER, status=200)  # hands out the CSRF cookie
    fields = [("csrf", app.cookies[CSRF_COOKIE]), ("token", created["manageToken"])]
    res = app.post(
        f"/{paste_id}/delete", fields, headers=BROWSER, content_type="multipart/form-data",
        status=429,
    )  # fmt: skip
    assert res.content_type == "text/html"
    assert int(res.headers["Retry-After"]) >= 1
    app.get(f"/api/v1/pastes/{paste_id}", status=200)  # nothing was deleted
