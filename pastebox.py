#!/usr/bin/env python3
"""Run pastebox from a checkout: `python pastebox.py [serve|user|purge] …`."""

from pastebox.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
