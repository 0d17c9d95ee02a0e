"""Google Drive's ways: the confirm page, the separate download host, quota and sign-in pages.

A Drive link answers in one of a few ways, all handled here so the fetcher only ever sees the
file's bytes:

- the file itself (small files), possibly after a redirect to a separate download host —
  followed by the HTTP client like any redirect;
- an HTML "can't scan this file for viruses" page with a form (``confirm``/``uuid`` hidden
  inputs) or, on older pages, a link carrying ``confirm=``: we submit it and get the file;
- an HTML page saying the download quota is exceeded, or asking to sign in: these become a
  :class:`DriveRefusedError` naming the file and saying to retry later or fetch it by hand.

Why not gdown: it handles the confirm page, but it downloads to its own file with its own
progress bar and offers neither a hook to verify before the rename, nor range reads of single
zip members, nor a byte count; its page parsing is the few lines below. The HTML is parsed
with the standard library's parser; no page is ever saved as a file.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

import httpx

from coldstart.download.errors import DownloadError, DriveRefusedError, NotFoundError

MAX_PAGE_BYTES = 2 << 20  # an HTML answer bigger than this is not a Drive page
MAX_CONFIRM_STEPS = 3

_QUOTA_PHRASES = ("quota exceeded", "too many users have viewed or downloaded")
_SIGNIN_PHRASES = ("sign in", "servicelogin", "signin/")
_RETRY_LATER = "retry later (the quota resets within a day) or fetch it by hand in a browser"


class _Page(HTMLParser):
    """Collects what the Drive pages carry: title, forms with their inputs, links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.links: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "title":
            self._in_title = True
        elif tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1][1][a["name"]] = a.get("value", "")
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def is_html(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").split(";")[0].strip().lower() == "text/html"


def confirm_url(page_url: str, html: str) -> str | None:
    """The URL that the confirm page's form or link leads to, or None if there is none."""
    page = _Page()
    page.feed(html)
    for action, inputs in page.forms:
        if "confirm" in inputs:
            return urljoin(page_url, action) + "?" + urlencode(inputs)
    for href in page.links:
        if "confirm=" in href and "export=download" in href:
            return urljoin(page_url, href)
    return None


def page_kind(page_url: str, html: str) -> str | None:
    """ "quota" or "signin" for Drive's refusal pages, None for any other page."""
    page = _Page()
    page.feed(html)
    text = re.sub(r"\s+", " ", (page.title + " " + html[:20000])).lower()
    if any(p in text for p in _QUOTA_PHRASES):
        return "quota"
    if any(p in text or p in page_url.lower() for p in _SIGNIN_PHRASES):
        return "signin"
    return None


def refusal(name: str, page_url: str, html: str) -> DriveRefusedError:
    """The one-line error for a page that is not the file (quota, sign-in or unknown)."""
    kind = page_kind(page_url, html)
    if kind == "quota":
        return DriveRefusedError(
            f"{name}: Google Drive says the download quota for this file is exceeded; "
            f"{_RETRY_LATER}; what was fetched so far is kept and resumes"
        )
    if kind == "signin":
        return DriveRefusedError(
            f"{name}: Google Drive asks to sign in instead of sending the file (the link may "
            f"have been made private or moved); {_RETRY_LATER}, or pass --file-list with "
            "updated links"
        )
    page = _Page()
    page.feed(html)
    title = page.title.strip() or "no title"
    return DriveRefusedError(
        f"{name}: the server sent an HTML page ({title!r}) instead of the file; {_RETRY_LATER}"
    )


def open_file(
    client: httpx.Client, name: str, url: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    """Open a streaming response carrying the file's bytes (the caller closes it).

    Follows redirects (the separate download host) and confirm pages; raises DriveRefusedError
    for quota or sign-in pages, DownloadError for HTTP errors and unreachable servers.
    """
    for _ in range(MAX_CONFIRM_STEPS + 1):
        try:
            response = client.send(client.build_request("GET", url, headers=headers), stream=True)
        except httpx.HTTPError as exc:
            raise DownloadError(f"{name}: cannot reach {_host(url)}: {exc}") from None
        failed = response.status_code >= 400 and response.status_code != 416
        if not is_html(response):
            if failed:
                response.close()
                raise _http_error(name, response, url)
            return response
        html = _read_page(response, name)
        page_url = str(response.url)
        nxt = None if failed else confirm_url(page_url, html)
        if nxt is None:
            if failed and page_kind(page_url, html) is None:
                raise _http_error(name, response, url)  # a plain error page: say its status
            raise refusal(name, page_url, html)
        url = nxt
    raise DownloadError(f"{name}: the confirm page kept coming back; fetch the file by hand")


def _http_error(name: str, response: httpx.Response, url: str) -> DownloadError:
    error = NotFoundError if response.status_code in (404, 410) else DownloadError
    return error(
        f"{name}: the server answered HTTP {response.status_code} {response.reason_phrase} "
        f"for {url}"
    )


def _read_page(response: httpx.Response, name: str) -> str:
    try:
        body = b""
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_PAGE_BYTES:
                break
    except httpx.HTTPError as exc:
        raise DownloadError(f"{name}: connection lost reading the server's page: {exc}") from None
    finally:
        response.close()
    return body.decode(response.encoding or "utf-8", errors="replace")


def _host(url: str) -> str:
    return httpx.URL(url).host or url
