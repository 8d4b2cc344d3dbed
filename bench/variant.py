"""pastebox with one of its throughput measures undone: the "before" columns of FINDINGS.md.

    python bench/variant.py [--no-write-gate] [pastebox serve flags...]

--no-write-gate      write requests run concurrently (the store still serialises the SQL)
"""

import argparse
import contextlib
import sys

from pastebox import serving
from pastebox.app import services_of
from pastebox.cli import main


def patched_create_app(original, no_write_gate: bool):
    def create_app(*args, **kwargs):
        app = original(*args, **kwargs)
        if no_write_gate:
            object.__setattr__(services_of(app), "write_gate", contextlib.nullcontext())
        return app

    return create_app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write-gate", action="store_true")
    ours, rest = parser.parse_known_args()
    serving.create_app = patched_create_app(serving.create_app, ours.no_write_gate)
    sys.exit(main(rest))
