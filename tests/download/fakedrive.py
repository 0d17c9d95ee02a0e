"""A local stand-in for Google Drive (and for a plain mirror), on 127.0.0.1 only.

Two threaded HTTP servers on random ports, like Drive's link host and its separate download
host: ``/uc?export=download&id=ID`` on the first redirects to ``/download?id=ID`` on the
second, which answers large files with a confirm page (a form with ``confirm``/``uuid``) and
sends the bytes once confirmed. ``/mirror/<release name>`` on the second serves files by
name. Faults are switched per file: Range ignored, a connection dropped after N bytes, a quota
page, a sign-in redirect. Every body byte sent is counted per file, and every request logged.
"""

from __future__ import annotations

import re
import socket
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

QUOTA_PAGE = (
    "<!DOCTYPE html><html><head><title>Google Drive - Quota exceeded</title></head><body>"
    "<p>Too many users have viewed or downloaded this file recently. Please try accessing "
    "the file again later.</p></body></html>"
)
SIGNIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Sign in - Google Accounts</title></head><body>"
    "<form action='/signin/v2'><input name='Email'></form></body></html>"
)


def confirm_page(file_id: str, action: str) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head>"
        "<body><p>Google Drive can't scan this file for viruses.</p>"
        f'<form id="download-form" action="{action}" method="get">'
        '<input type="submit" value="Download anyway"/>'
        f'<input type="hidden" name="id" value="{file_id}">'
        '<input type="hidden" name="export" value="download">'
        '<input type="hidden" name="confirm" value="t">'
        '<input type="hidden" name="uuid" value="0b1e2c3d"></form></body></html>'
    )


@dataclass
class Logged:
    host: str  # "link" | "content"
    path: str
    range: str | None
    status: int
    sent: int  # body bytes sent


@dataclass
class FakeDrive:
    """Files by Drive id and by release name, the faults, and what was served."""

    by_id: dict[str, str] = field(default_factory=dict)  # drive id -> release name
    files: dict[str, bytes] = field(default_factory=dict)  # release name -> bytes
    confirm_over: int = 1_000_000  # bytes; bigger files get the confirm page
    range_enabled: bool = True
    drop_after: dict[str, int] = field(default_factory=dict)  # name -> bytes, one shot
    drop_always: set[str] = field(default_factory=set)  # drop at drop_after every time
    quota: set[str] = field(default_factory=set)  # names answered with the quota page
    signin: set[str] = field(default_factory=set)  # names redirected to a sign-in page
    log: list[Logged] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    link_port: int = 0
    content_port: int = 0

    def served(self, name: str) -> int:
        """Body bytes of ``name`` sent so far (pages not counted)."""
        with self.lock:
            return sum(e.sent for e in self.log if e.path == name)

    def requests_for(self, name: str) -> list[Logged]:
        with self.lock:
            return [e for e in self.log if e.path == name]

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()

    @property
    def mirror(self) -> str:
        return f"http://127.0.0.1:{self.content_port}/mirror"

    @property
    def link_template(self) -> str:
        return f"http://127.0.0.1:{self.link_port}/uc?export=download&id={{drive_id}}"


def _handler(drive: FakeDrive, host: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def _page(self, status: int, html: str, path: str) -> None:
            body = html.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with drive.lock:
                drive.log.append(Logged(host, "page:" + path, None, status, 0))

        def _redirect(self, location: str) -> None:
            self.send_response(303)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: PLR0911 - one branch per Drive answer
            url = urlparse(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            if host == "link":
                if url.path == "/uc" and q.get("id") in drive.by_id:
                    name = drive.by_id[q["id"]]
                    if name in drive.signin:
                        self._redirect("/ServiceLogin?continue=x")
                        return
                    self._redirect(
                        f"http://127.0.0.1:{drive.content_port}/download?id={q['id']}"
                        "&export=download"
                    )
                    return
                if url.path == "/ServiceLogin":
                    self._page(200, SIGNIN_PAGE, "signin")
                    return
                self._page(404, "<html><title>Not Found</title></html>", url.path)
                return
            if url.path.startswith("/mirror/"):
                name = url.path.removeprefix("/mirror/")
                if name not in drive.files:
                    self._page(404, "<html><title>Not Found</title></html>", name)
                    return
                self._send_file(name)
                return
            if url.path == "/download" and q.get("id") in drive.by_id:
                name = drive.by_id[q["id"]]
                if name in drive.quota:
                    self._page(200, QUOTA_PAGE, name)
                    return
                if len(drive.files[name]) > drive.confirm_over and q.get("confirm") != "t":
                    action = f"http://127.0.0.1:{drive.content_port}/download"
                    self._page(200, confirm_page(q["id"], action), name)
                    return
                self._send_file(name)
                return
            self._page(404, "<html><title>Not Found</title></html>", url.path)

        def _send_file(self, name: str) -> None:
            data = drive.files[name]
            start, end, status = 0, len(data) - 1, 200
            rng = self.headers.get("Range")
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng or "")
            if drive.range_enabled and m:
                start = int(m[1])
                end = min(int(m[2]), len(data) - 1) if m[2] else len(data) - 1
                status = 206
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            body = memoryview(data)[start : end + 1]
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", f'"{hash(data) & 0xFFFFFFFF:08x}"')
            self.send_header(
                "Content-Disposition", f'attachment; filename="{name.rsplit("/", maxsplit=1)[-1]}"'
            )
            if drive.range_enabled:
                self.send_header("Accept-Ranges", "bytes")
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            self.end_headers()
            with drive.lock:
                cut = drive.drop_after.get(name)
                if cut is not None and name not in drive.drop_always:
                    del drive.drop_after[name]
            sent = 0
            limit = len(body) if cut is None else max(0, min(len(body), cut - start))
            try:
                while sent < limit:
                    n = min(64 << 10, limit - sent)
                    self.wfile.write(body[sent : sent + n])
                    sent += n
                if cut is not None:
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
            except OSError:
                self.close_connection = True
            finally:
                with drive.lock:
                    drive.log.append(Logged(host, name, rng, status, sent))

    return Handler


class QuietServer(ThreadingHTTPServer):
    """A local server that does not print a traceback when the client hangs up mid-request
    (the tests that interrupt or cut a download do that on purpose); other errors still do."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class Servers:
    """Start both hosts for a FakeDrive; stop them on close."""

    def __init__(self, drive: FakeDrive) -> None:
        self.drive = drive
        self.link = QuietServer(("127.0.0.1", 0), _handler(drive, "link"))
        self.content = QuietServer(("127.0.0.1", 0), _handler(drive, "content"))
        for s in (self.link, self.content):
            s.daemon_threads = True
        drive.link_port = self.link.server_address[1]
        drive.content_port = self.content.server_address[1]
        self.threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            for s in (self.link, self.content)
        ]
        for t in self.threads:
            t.start()

    def close(self) -> None:
        for s in (self.link, self.content):
            s.shutdown()
            s.server_close()
