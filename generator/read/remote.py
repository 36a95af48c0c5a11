"""Fetching `$ref` targets over http(s), for `--allow-remote-refs` only.

Only http and https (no file:, ftp: or data:, also not through a redirect), a timeout on
every read, and the same size cap as a local spec file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sdkforge.errors import RemoteError

if TYPE_CHECKING:
    import urllib.request

TIMEOUT = 20.0  # seconds, for the connection and each read
SCHEMES = ("http", "https")


def is_url(text: str) -> bool:
    return "://" in text or text.lower().startswith(("data:", "file:"))


def _opener() -> urllib.request.OpenerDirector:
    import urllib.request  # with ssl and http.client, 13 ms: only for a remote $ref

    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPRedirectHandler(), urllib.request.HTTPErrorProcessor(),
                    urllib.request.HTTPDefaultErrorHandler()):
        opener.add_handler(handler)
    return opener


def fetch(url: str, limit: int) -> bytes:
    """The body at `url`, at most `limit` bytes; RemoteError for anything else."""
    import urllib.error
    import urllib.request

    scheme = urlsplit(url).scheme
    if scheme.lower() not in SCHEMES:
        raise RemoteError(f"only http and https references can be fetched, not {scheme or url!r}")
    accept = "application/json, application/yaml, */*"
    request = urllib.request.Request(url, headers={"User-Agent": "sdkforge", "Accept": accept})
    try:
        with _opener().open(request, timeout=TIMEOUT) as response:
            final = response.geturl()
            if urlsplit(final).scheme.lower() not in SCHEMES:
                raise RemoteError(f"redirected to {final!r}, which is not http or https")
            body: bytes = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise RemoteError(f"the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise RemoteError(f"cannot fetch it: {exc.reason}") from None
    except (OSError, ValueError) as exc:  # timeouts, resets, malformed URLs
        raise RemoteError(f"cannot fetch it: {exc}") from None
    if len(body) > limit:
        raise RemoteError(f"it is larger than the limit of {limit:,} bytes")
    return body
