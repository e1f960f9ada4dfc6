"""Authentication over real HTTP on loopback: cookie flags as sent, Secure behind HTTPS, bearer tokens."""

from __future__ import annotations

import httpx2

from lowcarbon.platform.app import create_app
from lowcarbon.platform.settings import Settings
from support.auth_support import EMAIL, PASSWORD, FakeClock, seed
from support.platform_servers import serving


def _cookies(response: httpx2.Response) -> dict[str, str]:
    return {line.split("=", 1)[0]: line for line in response.headers.get_list("set-cookie")}


def test_session_cookie_over_http_loopback(migrated: Settings) -> None:
    """Over plain HTTP the cookies come without Secure (or they would not come back); the session works."""
    seed(migrated)
    with serving(create_app(migrated, clock=FakeClock())) as base, httpx2.Client(base_url=base, trust_env=False) as web:
        response = web.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
        assert response.status_code == 200
        session_cookie = _cookies(response)["lowcarbon_session"].lower()
        assert "httponly" in session_cookie and "samesite=lax" in session_cookie and "secure" not in session_cookie
        me = web.get("/auth/me")
        assert me.status_code == 200 and me.json()["email"] == EMAIL
        refused = web.post("/auth/logout")  # the cookie rides along, the CSRF token does not
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
        logout = web.post("/auth/logout", headers={"X-CSRF-Token": me.json()["csrf_token"]})
        assert logout.status_code == 204 and web.get("/auth/me").status_code == 401


def test_session_cookie_is_secure_behind_https(migrated: Settings) -> None:
    """Behind a trusted proxy that says the request came over HTTPS, both cookies are Secure."""
    seed(migrated)
    with serving(create_app(migrated, clock=FakeClock())) as base:
        response = httpx2.post(
            f"{base}/auth/login",
            json={"email": EMAIL, "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https"},  # uvicorn trusts 127.0.0.1 as a proxy by default
            trust_env=False,
        )
    assert response.status_code == 200
    cookies = _cookies(response)
    assert "; secure" in cookies["lowcarbon_session"].lower() and "; secure" in cookies["lowcarbon_csrf"].lower()


def test_bearer_token_over_http(migrated: Settings) -> None:
    """A client discovers the token endpoint, gets a token with Basic credentials, and reads with it."""
    seeded = seed(migrated)
    with serving(create_app(migrated)) as base, httpx2.Client(base_url=base, trust_env=False) as machine:
        endpoint = machine.get("/.well-known/openid-configuration").json()["token_endpoint"]
        assert endpoint == f"{base}/auth/token"
        issued = machine.post(
            endpoint, data={"grant_type": "client_credentials"}, auth=(seeded.client_id, seeded.client_secret)
        )
        assert issued.status_code == 200 and issued.json()["token_type"] == "bearer"
        token = issued.json()["access_token"]
        assert machine.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        assert machine.get("/healthz", headers={"Authorization": f"Bearer {token}"}).status_code == 200
