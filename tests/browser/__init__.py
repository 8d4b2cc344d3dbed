"""Real-browser specs. A package, so that its conftest is not a second top-level `conftest`
module shadowing tests/conftest.py; their helpers come from tests/helpers.py."""
