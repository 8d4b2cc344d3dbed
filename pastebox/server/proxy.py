"""The reverse proxy the server trusts: waitress's settings for it, and the same translation of
its headers for the app run without waitress (tests, other WSGI servers).

waitress reads X-Forwarded-For/-Proto/-Host/-Port (or Forwarded) only from the trusted proxy's
address and rewrites REMOTE_ADDR, wsgi.url_scheme, HTTP_HOST, SERVER_NAME and SERVER_PORT from
them; from any other peer it drops those headers. The app reads only the rewritten environ, so
there is one parser of proxy headers (waitress's) and a client can never name itself.
"""

from typing import Any

from waitress.adjustments import Adjustments
from waitress.proxy_headers import proxy_headers_middleware

from pastebox.config import Config


def waitress_settings(cfg: Config) -> dict[str, Any]:
    """The keyword arguments of waitress.create_server that say which proxy to believe."""
    settings: dict[str, Any] = {"clear_untrusted_proxy_headers": True}
    if cfg.trust_proxy:
        settings.update(
            trusted_proxy=cfg.trust_proxy,
            trusted_proxy_count=cfg.trust_proxy_hops,
            trusted_proxy_headers=set(cfg.trust_proxy_headers.split(",")),
        )
    return settings


def behind_proxy(app: Any, cfg: Config) -> Any:
    """`app` wrapped exactly as waitress.create_server wraps it with waitress_settings(cfg)."""
    adj = Adjustments(**waitress_settings(cfg))
    return proxy_headers_middleware(
        app,
        trusted_proxy=adj.trusted_proxy,
        trusted_proxy_count=adj.trusted_proxy_count,
        trusted_proxy_headers=adj.trusted_proxy_headers,
        clear_untrusted=adj.clear_untrusted_proxy_headers,
        log_untrusted=adj.log_untrusted_proxy_headers,
    )
