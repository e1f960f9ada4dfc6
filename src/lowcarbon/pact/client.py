"""The PACT client: read a supplier's product footprints from its PACT host (v3).

``PactClient(base_url, client_id, client_secret)`` finds the token endpoint in the host's
``/.well-known/openid-configuration`` (PACT §Authentication; ``<base_url>/auth/token`` when the host has no
discovery document), gets an access token with HTTP Basic client credentials, and reads ``GET /3/footprints``
following each ``Link: <...>; rel="next"`` header, or ``GET /3/footprints/{id}``. Every footprint is validated with
``model.ProductFootprint``. The token is fetched again once when the host answers 401 (it expired). ``send_event``
posts a CloudEvent to the host's ``/3/events`` (or ``/2/events``) the same way: how a data owner answers a
request on the data recipient's host, with the credentials the recipient gave it.

Limits and safety: a link to another origin than the host's is not followed (the token would go with it); a list
stops with DataFormatError after ``max_footprints``; every request has ``timeout`` seconds. The seam is httpx's:
pass ``http=httpx2.Client(transport=MockTransport(handler))`` to test without a network, or a client whose
``verify`` trusts a test host's self-signed certificate.

Errors: the host's refusals become lowcarbon's errors (``lowcarbon.errors``): 404 NotFound, 403 PermissionDenied,
refused credentials PermissionDenied, a document that is not a valid ProductFootprint DataFormatError; anything else
(5xx, a body that is no PACT answer, a transport failure) ``HostError``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

import httpx2
from pydantic import ValidationError

from lowcarbon.errors import DataFormatError, HostError, NotFound, PermissionDenied, Problem
from lowcarbon.pact.events import CLOUDEVENTS_MEDIA_TYPE
from lowcarbon.pact.model import ProductFootprint

__all__ = ["HostError", "PactClient"]

_DISCOVERY = "/.well-known/openid-configuration"
_TOKEN = "/auth/token"


class PactClient:
    """A data recipient's connection to one PACT host, as one of its customers."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        http: httpx2.Client | None = None,
        timeout: float = 30.0,
        max_footprints: int = 100_000,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._credentials = (client_id, client_secret)
        self._http = http if http is not None else httpx2.Client(timeout=timeout, trust_env=False)
        self._own_http = http is None
        self._token: str | None = None
        self.max_footprints = max_footprints

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections, if this client opened them."""
        if self._own_http:
            self._http.close()

    def token_endpoint(self) -> str:
        """The host's token endpoint, as its discovery document names it (else ``/auth/token``)."""
        answer = self._send("GET", self.base_url + _DISCOVERY)
        if answer.status_code == 404:
            return self.base_url + _TOKEN
        endpoint = self._json(answer).get("token_endpoint")
        if not isinstance(endpoint, str) or not endpoint.startswith("https://"):
            raise HostError(f"{self.base_url}{_DISCOVERY} names no https token_endpoint")
        return endpoint

    def authenticate(self) -> str:
        """A new access token for the client's credentials."""
        answer = self._send(
            "POST", self.token_endpoint(), data={"grant_type": "client_credentials"}, auth=self._credentials
        )
        if answer.status_code in (400, 401):
            raise PermissionDenied(f"the PACT host {self.base_url} refused the client's credentials: {answer.text}")
        token = self._json(answer).get("access_token")
        if not isinstance(token, str) or not token:
            raise HostError(f"the PACT host {self.base_url} answered no access_token")
        self._token = token
        return token

    def footprints(self, filters: Mapping[str, str | list[str]] | None = None) -> Iterator[ProductFootprint]:
        """The footprints the host shares with us that meet ``filters`` (ListFootprints' parameters), every page."""
        url: str | None = str(httpx2.URL(self.base_url + "/3/footprints", params=dict(filters or {})))
        count = 0
        while url is not None:
            answer = self._authorized("GET", url)
            for document in self._data(answer, list):
                count += 1
                if count > self.max_footprints:
                    raise DataFormatError(f"{url}: the host lists more than {self.max_footprints} footprints")
                yield _validated(document, url)
            url = self._next(answer)

    def footprint(self, pf_id: str) -> ProductFootprint:
        """One footprint by its id; NotFound, PermissionDenied when the host has it but does not share it."""
        url = f"{self.base_url}/3/footprints/{pf_id}"
        return _validated(self._data(self._authorized("GET", url), dict), url)

    def send_event(self, event: Mapping[str, Any], *, path: str = "/3/events") -> None:
        """Post a CloudEvent (structured JSON mode) to the host's Action Events endpoint; HostError unless 2xx."""
        url = self.base_url + path
        body = json.dumps(event).encode()
        answer = self._authorized("POST", url, content=body, media=CLOUDEVENTS_MEDIA_TYPE)
        if not 200 <= answer.status_code < 300:
            raise HostError(f"{url} answered {answer.status_code} to the event: {_message(answer)}")

    def _authorized(self, method: str, url: str, *, content: bytes | None = None, media: str = "") -> httpx2.Response:
        for attempt in (1, 2):
            token = self._token or self.authenticate()
            headers = {"Authorization": f"Bearer {token}"} | ({"Content-Type": media} if media else {})
            answer = self._send(method, url, headers=headers, content=content)
            if answer.status_code != 401 or attempt == 2:
                break
            self._token = None  # expired: once more with a new token
        if answer.status_code == 404:
            raise NotFound(f"{url}: {_message(answer)}")
        if answer.status_code in (401, 403):
            raise PermissionDenied(f"{url}: {_message(answer)}")
        return answer

    def _send(self, method: str, url: str, **arguments: Any) -> httpx2.Response:
        try:
            return self._http.request(method, url, **arguments)
        except httpx2.HTTPError as exc:
            raise HostError(f"the PACT host {self.base_url} could not be reached: {exc}") from exc

    def _json(self, answer: httpx2.Response) -> dict[str, Any]:
        try:
            body = answer.json() if answer.status_code == 200 else None
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise HostError(f"{answer.request.url} answered {answer.status_code}, not a JSON object")
        return body

    def _data(self, answer: httpx2.Response, kind: type) -> Any:
        data = self._json(answer).get("data")
        if not isinstance(data, kind):
            raise HostError(f"{answer.request.url} answered no data {kind.__name__}")
        return data

    def _next(self, answer: httpx2.Response) -> str | None:
        link = answer.links.get("next", {}).get("url")
        if link is None:
            return None
        following = urljoin(str(answer.request.url), link)
        if urlsplit(following)[:2] != urlsplit(self.base_url)[:2]:
            raise HostError(f"the next page {following} is not on the host {self.base_url}: not followed")
        return following


def _message(answer: httpx2.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return f"{answer.status_code}"
    return str(body.get("message", body)) if isinstance(body, dict) else str(body)


def _validated(document: Any, url: str) -> ProductFootprint:
    try:
        return ProductFootprint.model_validate(document)
    except ValidationError as exc:
        problems = [Problem(error["msg"], place=".".join(map(str, error["loc"])), source=url) for error in exc.errors()]
        raise DataFormatError(
            f"{url}: not a valid PACT v3 ProductFootprint", problems=problems, what="footprint"
        ) from None
