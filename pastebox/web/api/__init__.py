"""The native JSON API under /api/v1 (the shape of the E2EE seed service, extended) and
/api/health: handlers, the JSON bodies they read, and the JSON shapes of pastes they write."""
