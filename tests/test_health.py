"""GET /api/health, in process: healthy with a timestamp and uptime, a 503 JSON error when the
database cannot be read."""

import re

import pytest
from helpers import assert_json_error, iso

ISO_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


# -- GET /api/health -------------------------------------------------------------------------


def test_health_reports_healthy_with_an_iso_timestamp_and_uptime(app, clock):
    res = app.get("/api/health", status=200)
    assert res.content_type == "application/json"
    assert res.json["status"] == "healthy"
    assert res.json["timestamp"] == iso(clock())
    assert ISO_RE.fullmatch(res.json["timestamp"])
    assert isinstance(res.json["uptime"], int | float)


def test_health_uptime_counts_from_the_app_start(app, clock):
    clock.advance(90.5)
    assert app.get("/api/health").json["uptime"] == pytest.approx(90.5)


def test_health_is_a_503_json_error_when_the_database_cannot_be_read(app, store):
    store.close()
    res = app.get("/api/health", status=503)
    assert_json_error(res, 503, "unhealthy")
    assert int(res.headers["Retry-After"]) >= 1


def test_health_is_503_even_when_this_thread_had_a_reader_open(app, store):
    app.get("/api/health", status=200)  # opens this thread's read connection
    store.close()
    assert_json_error(app.get("/api/health", status=503), 503, "unhealthy")
