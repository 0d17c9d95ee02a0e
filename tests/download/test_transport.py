"""BulkTransport: keep-alive reuse, a server that closed an idle connection, a body cut short.

A tiny local server that answers every GET with ``/N`` bytes and records the client's port of
each request (one port per connection); behaviour per path: ``close`` answers and then closes
the connection without saying so (what a server timing out idle keep-alives does).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from coldstart.download.transport import BulkTransport
from download.fakedrive import QuietServer

pytestmark = pytest.mark.xdist_group("download")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    ports: list[int]

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_GET(self) -> None:
        self.ports.append(self.client_address[1])
        name, _, size = self.path.strip("/").partition("/")
        body = bytes(i % 251 for i in range(int(size)))
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) + (7 if name == "short" else 0)))
        self.end_headers()
        self.wfile.write(body)
        if name in ("close", "short"):
            self.close_connection = True  # silently: no "Connection: close" header


@pytest.fixture
def server() -> Iterator[tuple[str, list[int]]]:
    ports: list[int] = []
    handler = type("Handler", (_Handler,), {"ports": ports})
    srv = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", ports
    finally:
        srv.shutdown()
        srv.server_close()


def test_bodies_come_whole_in_large_reads_over_one_kept_connection(
    server: tuple[str, list[int]],
) -> None:
    base, ports = server
    with httpx.Client(transport=BulkTransport(read_bytes=1000)) as client:
        with client.stream("GET", f"{base}/a/2500") as r:
            chunks = [len(c) for c in r.iter_raw()]
        assert sum(chunks) == 2500 and max(chunks) <= 1000
        assert client.get(f"{base}/a/10").content == bytes(range(10))
        # Closed before its end: that connection is dropped, the next request opens another.
        with client.stream("GET", f"{base}/a/500000") as r:
            next(r.iter_raw())
        assert len(client.get(f"{base}/a/3").content) == 3
    assert ports[0] == ports[1] == ports[2] != ports[3]


def test_a_connection_the_server_closed_while_idle_is_opened_again(
    server: tuple[str, list[int]],
) -> None:
    base, ports = server
    with httpx.Client(transport=BulkTransport()) as client:
        for _ in range(3):
            assert client.get(f"{base}/close/100").content == bytes(range(100))
    assert len(set(ports)) == 3


def test_a_body_shorter_than_announced_is_an_httpx_error(server: tuple[str, list[int]]) -> None:
    base, _ = server
    with httpx.Client(transport=BulkTransport()) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="7 bytes missing"):
            client.get(f"{base}/short/100")
        with pytest.raises(httpx.ConnectError):
            client.get("http://127.0.0.1:9/")  # the discard port: nothing listens
