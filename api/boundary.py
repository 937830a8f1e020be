"""What every request meets first and what every response carries, whatever the route.

The production server (granian, Procfile) lets a request line and headers far larger than
any client needs through to the app (its buffer is 408 KiB), so the app enforces its own,
smaller limits here and answers them as problem+json with CORS headers like any other
error: 414 for a request line over ``MAX_REQUEST_LINE`` bytes, 431 for a header field over
``MAX_HEADER_FIELD_SIZE``, headers over ``MAX_HEADERS_SIZE`` in all, or more than
``MAX_HEADER_COUNT`` of them, and 413 for a declared body over ``MAX_CONTENT_LENGTH``
before anything reads it. What granian itself refuses (a malformed ``Content-Length``, a
raw non-ASCII byte in the request target, more than 100 headers, a head beyond its
buffer) never reaches the app: the production server's nginx front (api.front) answers
those, as problem+json too; see the README's "Boundary" section.

A ``Host`` outside ``TRUSTED_HOSTS`` is a 400 (Flask checks it while routing); links never
come from ``Host`` anyway (api.links).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from .db import init_read_snapshots
from .errors import ApiError

# On every response: the body is what Content-Type says (never sniffed into HTML), and
# following a link out of a page of ours tells the other site nothing.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a request target may hold unencoded (RFC 3986 pchar, "/" and "?"-less): a client
# that encodes more sends a longer line, so this is the shortest line the request can be.
_TARGET_SAFE = "/:@!$&'()*+,;=-._~"


class UriTooLong(ApiError):
    status = 414
    title = "URI Too Long"


class HeadersTooLarge(ApiError):
    status = 431
    title = "Request Header Fields Too Large"


class PayloadTooLarge(ApiError):
    status = 413
    title = "Request Entity Too Large"  # werkzeug's name, as its own 413 says


class AsciiIntegerConverter(IntegerConverter):
    """`<int:…>` in a route takes ASCII digits only: werkzeug's `\\d+` also matches `٥`."""

    regex = r"[0-9]+"


def default_trusted_hosts(public_base_url: str) -> list[str]:
    """The public base URL's host, and the loopback names `make serve` and the tests use."""
    hosts = ["localhost", "127.0.0.1", "::1"]
    public = urlsplit(str(public_base_url)).hostname
    if public and public not in hosts:
        hosts.insert(0, public)
    return hosts


def trusted_hosts(value: Any, public_base_url: str) -> list[str]:
    """FLASK_TRUSTED_HOSTS as a JSON list or a comma-separated string; unset, the default."""
    if value is None:
        return default_trusted_hosts(public_base_url)
    if isinstance(value, str):
        value = value.split(",")
    return [str(host).strip() for host in value if str(host).strip()]


def request_line_length(environ: dict[str, Any]) -> int:
    """Bytes of `METHOD target HTTP/x` as the shortest encoding of this request sends them."""
    path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe=_TARGET_SAFE)
    return _line_length(environ, len(path))


def _line_length(environ: dict[str, Any], path_length: int) -> int:
    query = environ.get("QUERY_STRING", "")
    target = path_length + (len(query) + 1 if query else 0)
    method = environ.get("REQUEST_METHOD", "")
    return len(method) + 1 + target + 1 + len(environ.get("SERVER_PROTOCOL", "HTTP/1.1"))


@dataclass(frozen=True)
class Limits:
    request_line: int
    header_field: int
    headers: int
    header_count: int
    body: int | None


def refusal(environ: dict[str, Any], limits: Limits) -> ApiError | None:
    """What the app's own limits say of this request's head: None for almost every request,
    at the cost of a few comparisons and one pass over the headers."""
    # A byte takes at most three characters percent-encoded: quote only when that bound
    # could be over the limit.
    path = environ.get("PATH_INFO", "")
    if (
        _line_length(environ, 3 * len(path)) > limits.request_line
        and request_line_length(environ) > limits.request_line
    ):
        return UriTooLong(
            f"The request line is longer than {limits.request_line} bytes; shorten the"
            " query (a search is at most a few hundred characters)."
        )
    # `HTTP_NAME` is as long as `Name: ` and a header field is `Name: value`.
    sizes = [len(k) + len(v) - 3 for k, v in environ.items() if k[:5] == "HTTP_"]
    if len(sizes) > limits.header_count:
        return HeadersTooLarge(f"More than {limits.header_count} header fields.")
    if sizes and max(sizes) > limits.header_field:
        longest = max(sizes)
        name = next(
            k[5:] for k, v in environ.items() if k[:5] == "HTTP_" and len(k) + len(v) - 3 == longest
        )
        header = name.replace("_", "-").title()
        return HeadersTooLarge(f"The {header} header is longer than {limits.header_field} bytes.")
    if sum(sizes) > limits.headers:
        return HeadersTooLarge(f"The headers are longer than {limits.headers} bytes.")
    declared = str(environ.get("CONTENT_LENGTH") or "")
    if (
        declared.isascii()
        and declared.isdigit()
        and limits.body is not None
        and environ.get("REQUEST_METHOD") in BODY_METHODS
        # By length first: int() of 4,301 digits raises (a 5,000-digit Content-Length was a
        # 500 from here), and no body of 19 digits' bytes is ever under the limit.
        and (len(declared) > 18 or int(declared) > limits.body)
    ):
        size = f"{int(declared)} bytes" if len(declared) <= 18 else "over 10^18 bytes"
        return PayloadTooLarge(
            f"The body is {size}; at most {limits.body} bytes are accepted.",
            headers={"Connection": "close"},
        )
    return None


REFUSED = "insight.refused"


class Boundary:
    """WSGI middleware in front of the app. It checks the request's head against the app's
    limits (no Flask proxies, so the common case stays a few microseconds) and leaves the
    verdict for `raise_refusal`, so the answer goes through the error handlers and CORS like
    any other. It also puts the security headers on every answer, whoever made it (a
    route, an error handler, a 304), where they are not set already (the reader page sets
    its own). The app never sets `Server`; the server in front names itself, with no version
    (nginx, `server_tokens off`; granian alone: `server: granian`)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], limits: Limits) -> None:
        self.app = app
        self.limits = limits

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        refused = refusal(environ, self.limits)
        if refused is not None:
            environ[REFUSED] = refused

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers.extend(item for item in _SECURITY_ITEMS if item[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


_SECURITY_ITEMS = tuple(SECURITY_HEADERS.items())


def raise_refusal() -> None:
    """The first before_request hook: a refused head is answered before authentication or
    any route runs."""
    refused = request.environ.get(REFUSED)
    if refused is not None:
        raise refused


def init_boundary(app: Flask) -> None:
    """Before the blueprints: the converter applies when their rules are added, and the
    size check must run before authentication (another before_request hook)."""
    app.config["TRUSTED_HOSTS"] = trusted_hosts(
        app.config.get("TRUSTED_HOSTS"), str(app.config["PUBLIC_BASE_URL"])
    )
    config = app.config
    body = config["MAX_CONTENT_LENGTH"]
    limits = Limits(
        request_line=int(config["MAX_REQUEST_LINE"]),
        header_field=int(config["MAX_HEADER_FIELD_SIZE"]),
        headers=int(config["MAX_HEADERS_SIZE"]),
        header_count=int(config["MAX_HEADER_COUNT"]),
        body=int(body) if body is not None else None,
    )
    app.url_map.converters["int"] = AsciiIntegerConverter
    app.before_request(raise_refusal)
    app.wsgi_app = Boundary(app.wsgi_app, limits)  # type: ignore[method-assign]
    init_read_snapshots(app)
