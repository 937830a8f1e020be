"""What every request meets first and what every response carries, whatever the route.

The production server (granian, Procfile) lets a request line and headers far larger than
any client needs through to the app (its buffer is 408 KiB), so the app enforces its own,
smaller limits here and answers them as problem+json with CORS headers like any other
error: 414 for a request line over ``MAX_REQUEST_LINE`` bytes, 431 for a header field over
``MAX_HEADER_FIELD_SIZE``, headers over ``MAX_HEADERS_SIZE`` in all, or more than
``MAX_HEADER_COUNT`` of them, and 413 for a declared body over ``MAX_CONTENT_LENGTH``
before anything reads it. What granian itself refuses (a malformed ``Content-Length``, a
raw non-ASCII byte in the request target, more than 100 headers, a head beyond its
buffer) never reaches the app: see the README's "Boundary" section.

A ``Host`` outside ``TRUSTED_HOSTS`` is a 400 (Flask checks it while routing); links never
come from ``Host`` anyway (api.links).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app, request
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
    query = environ.get("QUERY_STRING", "")
    target = len(path) + (len(query) + 1 if query else 0)
    method = environ.get("REQUEST_METHOD", "")
    return len(method) + 1 + target + 1 + len(environ.get("SERVER_PROTOCOL", "HTTP/1.1"))


def _header_fields(environ: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            found.append((key[5:], str(value)))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            found.append((key, str(value)))
    return found


def check_request_size() -> None:
    """The app's own limits, checked before authentication or any route runs."""
    config = current_app.config
    environ = request.environ
    limit = int(config["MAX_REQUEST_LINE"])
    if request_line_length(environ) > limit:
        raise UriTooLong(
            f"The request line is longer than {limit} bytes; shorten the query "
            "(a search is at most a few hundred characters)."
        )
    fields = _header_fields(environ)
    if len(fields) > int(config["MAX_HEADER_COUNT"]):
        raise HeadersTooLarge(f"More than {config['MAX_HEADER_COUNT']} header fields.")
    field_limit = int(config["MAX_HEADER_FIELD_SIZE"])
    sizes = [len(name) + 2 + len(value) for name, value in fields]
    for (name, _), size in zip(fields, sizes, strict=True):
        if size > field_limit:
            header = name.replace("_", "-").title()
            raise HeadersTooLarge(f"The {header} header is longer than {field_limit} bytes.")
    if sum(sizes) > int(config["MAX_HEADERS_SIZE"]):
        raise HeadersTooLarge(f"The headers are longer than {config['MAX_HEADERS_SIZE']} bytes.")
    if request.method in BODY_METHODS:
        declared = request.content_length
        maximum = config["MAX_CONTENT_LENGTH"]
        if declared is not None and maximum is not None and declared > int(maximum):
            raise PayloadTooLarge(
                f"The body is {declared} bytes; at most {maximum} are accepted.",
                headers={"Connection": "close"},
            )


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    # The WSGI server names itself; the app never adds a version.
    response.headers.pop("Server", None)
    return response


def init_boundary(app: Flask) -> None:
    """Before the blueprints: the converter applies when their rules are added, and the
    size check must run before authentication (another before_request hook)."""
    app.config["TRUSTED_HOSTS"] = trusted_hosts(
        app.config.get("TRUSTED_HOSTS"), str(app.config["PUBLIC_BASE_URL"])
    )
    app.url_map.converters["int"] = AsciiIntegerConverter
    app.before_request(check_request_size)
    app.after_request(add_security_headers)
    init_read_snapshots(app)
