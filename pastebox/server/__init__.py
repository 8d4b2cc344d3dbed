"""The running process: waitress with its guards (guard), trusted-proxy settings (proxy), the
janitor thread (janitor), and the start and orderly stop of it all (serving)."""
