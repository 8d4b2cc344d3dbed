"""The schema history as numbered SQL files (NNNN_<name>.sql), read by pastebox.store.migrate.

Append-only: a shipped file is never edited; a change is the next number.
"""
