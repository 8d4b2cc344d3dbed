"""pastebox with one of its throughput measures undone: the "before" columns of FINDINGS.md.

    python bench/variant.py [--no-write-gate] [--template-per-call] [pastebox serve flags...]

--no-write-gate      write requests run concurrently (the store still serialises the SQL)
--template-per-call  pages render through bottle.template() with a new lookup list on every
                     call, as before commit d6146c9: its cache is keyed on id() of that list
--unguarded          plain waitress.create_server, without pastebox/server/guard.py's connection
                     guards (per-client cap, deadlines, upload budget): what they cost
"""

import argparse
import contextlib
import sys

import bottle
import waitress

from pastebox.cli import main
from pastebox.server import serving
from pastebox.web import templating
from pastebox.web.app import services_of


def patched_create_app(original, no_write_gate: bool):
    def create_app(*args, **kwargs):
        app = original(*args, **kwargs)
        if no_write_gate:
            object.__setattr__(services_of(app), "write_gate", contextlib.nullcontext())
        return app

    return create_app


def unguarded_server(app, limits, **adjustments):
    """waitress's own server, as before the guards: the limits are not applied."""
    return waitress.create_server(app, **adjustments)


def template_per_call(name: str) -> bottle.SimpleTemplate:
    return bottle.SimpleTemplate(name=name, lookup=[templating.TEMPLATES])  # compiled each call


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write-gate", action="store_true")
    parser.add_argument("--template-per-call", action="store_true")
    parser.add_argument("--unguarded", action="store_true")
    ours, rest = parser.parse_known_args()
    serving.create_app = patched_create_app(serving.create_app, ours.no_write_gate)
    if ours.unguarded:
        serving.create_server = unguarded_server
    if ours.template_per_call:
        templating.template = template_per_call  # pages/layout.py looks it up at call time
    sys.exit(main(rest))
