"""Errors map to HTTP statuses in one table (web/errors.py); the domain's kinds carry none."""

import inspect

import pytest

from pastebox.core import errors as kinds
from pastebox.core.errors import PasteboxError
from pastebox.web.errors import STATUS, InternalError, status_of

ALL_KINDS = [
    kind
    for _, kind in inspect.getmembers(kinds, inspect.isclass)
    if issubclass(kind, PasteboxError)
]


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda kind: kind.__name__)
def test_every_kind_of_error_has_its_status_in_the_one_table(kind):
    assert kind in STATUS
    assert not hasattr(kind, "status"), "the domain's errors know no HTTP"


def test_the_table_says_what_each_kind_answers():
    assert {kind.__name__: status for kind, status in STATUS.items()} == {
        "PasteboxError": 400, "Invalid": 400, "Unauthorized": 401, "Forbidden": 403,
        "NotFound": 404, "MethodNotAllowed": 405, "Gone": 410, "TooLarge": 413,
        "UnsupportedMedia": 415, "RateLimited": 429, "InternalError": 500, "Unavailable": 503,
    }  # fmt: skip


def test_a_kind_not_in_the_table_answers_as_its_nearest_base():
    class Sealed(kinds.Forbidden):
        code = "sealed"

    assert status_of(Sealed("no")) == 403
    assert status_of(InternalError("oops")) == 500
    assert status_of(kinds.RateLimited("slow", retry_after=3)) == 429
