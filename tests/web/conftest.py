"""A real workbench server (uvicorn on a free loopback port, in a thread) for the web
tests: the API and the page are exercised over HTTP, as a browser or a script would."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from placement.web.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workspace, parallel: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(workspace, self.port, parallel=parallel)
        self._server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1",
                                                     port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> Server:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(20)

    def client(self) -> httpx.Client:
        """A client that fetched the session token, as the page does."""
        c = httpx.Client(base_url=self.url, timeout=120)
        c.headers["X-CSRF-Token"] = c.get("/api/v1/session").json()["token"]
        return c


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with Server(tmp_path_factory.mktemp("workspace")) as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    """A client of the shared server with the session token, one per test module."""
    c = server.client()
    yield c
    c.close()
