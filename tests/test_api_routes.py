"""Methods and paths the JSON API does not have, in process: a 405 naming the allowed methods,
a 404 for an unknown path, both JSON errors with the security headers."""

import pytest
from helpers import PASTES, SEARCH, assert_json_error, get_paste

# -- methods and paths the API does not have -------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", PASTES, {"GET", "POST"}),
        ("DELETE", PASTES, {"GET", "POST"}),
        ("PATCH", PASTES, {"GET", "POST"}),
        ("POST", "/api/health", {"GET"}),
        ("PUT", f"{PASTES}/AAAAAAAAAA", {"GET", "PATCH", "DELETE"}),
        ("POST", f"{PASTES}/AAAAAAAAAA", {"GET", "PATCH", "DELETE"}),
        ("GET", f"{PASTES}/AAAAAAAAAA/extend", {"POST"}),
        ("DELETE", f"{PASTES}/AAAAAAAAAA/revisions", {"GET"}),
        ("POST", SEARCH, {"GET"}),
    ],
)
def test_an_unknown_method_is_a_405_json_error_naming_the_allowed_ones(app, method, path, allowed):
    res = app.request(path, method=method, expect_errors=True)
    assert_json_error(res, 405, "method_not_allowed")
    assert allowed <= {m.strip() for m in res.headers["Allow"].split(",")}


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v2/pastes", "/api/v1/pastes/a/b/c"])
def test_an_unknown_api_path_is_a_404_json_error(app, path):
    res = app.get(path, headers={"Accept": "text/html"}, status=404)
    assert_json_error(res, 404, "not_found")


def test_api_errors_carry_the_security_headers(app):
    res = get_paste(app, "AAAAAAAAAA", status=404)
    assert res.headers["X-Content-Type-Options"] == "nosniff"
