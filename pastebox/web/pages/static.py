"""The static files pages link to: pastebox/static, and the highlighting stylesheet made from
pygments at start-up."""

import functools
import os

import bottle

from pastebox import render
from pastebox.web.context import Services

STATIC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "static")
CACHE_AN_HOUR = "public, max-age=3600"


@functools.cache
def _stylesheet() -> str:
    return render.stylesheet()


def pygments_css(services: Services) -> bottle.HTTPResponse:
    return bottle.HTTPResponse(_stylesheet(), 200, Content_Type="text/css; charset=utf-8",
                               Cache_Control=CACHE_AN_HOUR)  # fmt: skip


def static_file(services: Services, filename: str):
    response = bottle.static_file(filename, root=STATIC)
    if response.status_code >= 400:  # missing, a folder, or outside it (bottle says 403)
        return bottle.HTTPError(404)  # answered as every other 404, and never cached
    response.set_header("Cache-Control", CACHE_AN_HOUR)
    return response
