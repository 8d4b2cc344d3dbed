"""Assertions several spec files share."""


def assert_json_error(res, status: int, code: str | None = None) -> dict:
    """A JSON error of the native shape: {"error": code, "message": text}; returns the body."""
    assert res.status_int == status, res.text
    assert res.content_type == "application/json"
    body = res.json
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["error"] == code
    return body
