"""pastebox: a self-hosted paste server over one SQLite file."""

from pastebox.version import __version__

__all__ = ["__version__"]
