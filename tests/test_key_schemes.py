"""Where a request's API key is read from: the native surfaces' schemes (X-Api-Key, then
Authorization: Bearer), and a dialect's own list, honoured as given (web/requests.py)."""

import bottle
import pytest

from pastebox.core import accounts
from pastebox.core.errors import Unauthorized
from pastebox.web.app import services_of
from pastebox.web.requests import NATIVE_KEY_SCHEMES, KeyScheme, actor, api_key

# A dialect whose clients send `Authorization: ApiKey KEY` or a bare `Authorization: KEY`.
DIALECT = (KeyScheme("HTTP_AUTHORIZATION", "apikey "), KeyScheme("HTTP_AUTHORIZATION"))


def request(**headers: str) -> bottle.BaseRequest:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "REMOTE_ADDR": "192.0.2.7"}
    environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    return bottle.BaseRequest(environ)


@pytest.mark.parametrize(
    ("headers", "key"),
    [({"x_api_key": "K1"}, "K1"),
     ({"authorization": "Bearer K2"}, "K2"),
     ({"authorization": "bearer  K3 "}, "K3"),
     ({"x_api_key": "K4", "authorization": "Bearer K5"}, "K4"),
     ({"authorization": "ApiKey K6"}, None),
     ({"authorization": "K7"}, None),
     ({}, None)],
)  # fmt: skip
def test_the_native_schemes_are_x_api_key_then_bearer(headers, key):
    assert api_key(request(**headers).environ) == key
    assert api_key(request(**headers).environ, NATIVE_KEY_SCHEMES) == key


@pytest.mark.parametrize(
    ("headers", "key"),
    [({"authorization": "ApiKey K1"}, "K1"),
     ({"authorization": "apikey K2"}, "K2"),
     ({"authorization": "K3"}, "K3"),
     ({"x_api_key": "K4"}, None)],
)  # fmt: skip
def test_a_dialects_schemes_are_honoured_in_their_order(headers, key):
    assert api_key(request(**headers).environ, DIALECT) == key


def test_the_actor_is_the_keys_user_by_the_schemes_given(app):
    services = services_of(app.app)
    user = accounts.register(services.core, "ada", "a long enough password")
    key = accounts.new_api_key(services.core, user)
    dialect_request = request(authorization=f"ApiKey {key}")
    assert actor(services, dialect_request, DIALECT).user_id == user.id
    # The native surfaces do not read that header: the same request is anonymous there.
    assert actor(services, dialect_request).user_id is None
    assert actor(services, request(authorization=f"Bearer {key}")).user_id == user.id


def test_a_wrong_key_by_a_dialects_scheme_is_refused(app):
    services = services_of(app.app)
    with pytest.raises(Unauthorized):
        actor(services, request(authorization="ApiKey not-a-key"), DIALECT)
