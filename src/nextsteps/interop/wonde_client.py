"""A small client for Wonde's read API (https://docs.wonde.com/docs/api/sync).

Pure: no Django import. Every list Wonde returns is paged: the body is
`{"data": [...], "meta": {"pagination": {"next": URL or null, "more": bool, ...}}}` and the
client follows `next` until there is none (a list of 50 or fewer may come with no pagination
object at all: https://docs.wonde.com/docs/api/sync#pagination). A page that says there is
more but gives no `next` is an error, not the end: reading it as the end would make every
pupil on the unread pages look like a leaver. A `next` on another host is refused, so the
token is only ever sent to the API asked. Requests carry `Authorization: Bearer TOKEN`.
A 429 (too many requests) is retried after the `Retry-After` seconds it names, a bounded
number of times; 401 and 403 mean Wonde refused the token.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_API_URL = "https://api.wonde.com/v1.0"  # Wonde's domain for the UK
PER_PAGE = 200
MAX_RETRIES = 5
MAX_WAIT = 120.0  # seconds: never sleep longer than this on one Retry-After
TIMEOUT = 60.0


class WondeError(Exception):
    """Wonde could not be read: the message says why, in plain words."""


class WondeRefused(WondeError):
    """Wonde refused the token (401 or 403)."""


@dataclass
class WondeClient:
    base_url: str
    token: str
    sleep: Callable[[float], None] = time.sleep
    max_retries: int = MAX_RETRIES
    requests: int = 0
    waited: float = 0.0
    retries: int = 0
    _opener: Any = field(default=None, repr=False)

    def url(self, path: str, params: Mapping[str, str] | None = None) -> str:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return f"{self.base_url.rstrip('/')}/{path.lstrip('/')}{query}"

    def get(self, url: str) -> dict[str, Any]:
        """One GET, retried on 429 after the time Wonde asks for (bounded)."""
        if not url.startswith(("http://", "https://")):
            raise WondeError(f"not a web address: {url!r}")
        for attempt in range(self.max_retries + 1):
            request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
                url,
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Accept": "application/json",
                    "User-Agent": "nextsteps-wonde-sync",
                },
            )
            self.requests += 1
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                    return dict(json.loads(response.read().decode("utf-8")))
            except urllib.error.HTTPError as error:
                if error.code == 429 and attempt < self.max_retries:
                    wait = _retry_after(error.headers.get("Retry-After"))
                    self.retries += 1
                    self.waited += wait
                    self.sleep(wait)
                    continue
                raise _explain(error, url) from error
            except urllib.error.URLError as error:
                raise WondeError(f"Wonde could not be reached at {url}: {error.reason}") from error
            except (ValueError, UnicodeDecodeError) as error:
                raise WondeError(f"Wonde's answer to {url} was not JSON: {error}") from error
        raise WondeError(  # pragma: no cover - the loop returns or raises
            f"Wonde still asked to slow down after {self.max_retries} retries"
        )

    def pages(self, path: str, params: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every record of a list, following `meta.pagination.next` page by page."""
        url: str | None = self.url(path, {"per_page": str(PER_PAGE), **(params or {})})
        seen: set[str] = set()
        while url:
            if url in seen:
                raise WondeError(f"Wonde's pagination returned to {url}")
            seen.add(url)
            asked, body = url, self.get(url)
            data = body.get("data")
            if not isinstance(data, list):
                raise WondeError(f"Wonde's answer to {url} has no list of data")
            yield from (row for row in data if isinstance(row, dict))
            pagination = (body.get("meta") or {}).get("pagination") or {}
            url = pagination.get("next") or None
            if url is None and pagination.get("more"):
                raise WondeError(
                    f"Wonde's answer to {asked} says there is more but gives no next "
                    "page: nothing was changed, try again later"
                )
            if url is not None:
                self._same_api(url)

    def all(self, path: str, params: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        return list(self.pages(path, params))

    def _same_api(self, url: str) -> None:
        """A next page must be on the API asked (the token goes with every request)."""
        asked = urllib.parse.urlsplit(self.base_url)
        given = urllib.parse.urlsplit(url)
        if (given.scheme, given.netloc) != (asked.scheme, asked.netloc):
            raise WondeError(
                f"Wonde's next page {url} is not on {asked.scheme}://{asked.netloc}: "
                "not followed, so the token is not sent elsewhere"
            )


def _retry_after(value: str | None) -> float:
    """Seconds to wait: Retry-After's delay in seconds (HTTP dates are rare here: wait 1 s)."""
    try:
        seconds = float(value) if value is not None else 1.0
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.0), MAX_WAIT)


def _explain(error: urllib.error.HTTPError, url: str) -> WondeError:
    detail = ""
    try:
        body = json.loads(error.read().decode("utf-8") or "{}")
        detail = str(body.get("error_description") or body.get("error") or body.get("message"))
    except (ValueError, UnicodeDecodeError, AttributeError):
        detail = ""
    detail = f" ({detail})" if detail and detail != "None" else ""
    if error.code in (401, 403):
        return WondeRefused(
            f"Wonde refused the token (HTTP {error.code}){detail}: check WONDE_TOKEN, and that "
            "the school has approved access for it"
        )
    if error.code == 429:
        return WondeError(f"Wonde still asked to slow down (HTTP 429) after retrying: {url}")
    return WondeError(f"Wonde answered HTTP {error.code} for {url}{detail}")


def wonde_date(value: Any) -> str | None:
    """A Wonde date object ({"date": "2013-04-30 00:00:00.000000", "timezone": …}) or string
    as an ISO date, YYYY-MM-DD (None when absent)."""
    if isinstance(value, Mapping):
        value = value.get("date")
    if not value or not isinstance(value, str):
        return None
    return value[:10]


def included(record: Mapping[str, Any], name: str) -> Any:
    """An included object or list: Wonde wraps each in {"data": …}."""
    value = record.get(name)
    if isinstance(value, Mapping) and "data" in value:
        return value["data"]
    return value
