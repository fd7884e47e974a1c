"""`placement serve`: the workbench on 127.0.0.1 only, with uvicorn.

Why uvicorn: FastAPI's own server, one process with an event loop that streams the
progress events; the solves themselves run in worker processes (`runner.py`).
Loopback only, never another interface: personnel data stays on this machine.

The port is bound before anything else (the workspace opened, the URL announced, the
browser sent there): a port in use is a clear refusal (`OutputError`, exit 2), never
an address printed for a server that is not there.
"""

from __future__ import annotations

import errno
import socket
import threading
import webbrowser
from pathlib import Path

import uvicorn

from placement.data.errors import OutputError, Problem
from placement.web.app import create_app

HOST = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:`port`; `OutputError` naming the port when it is
    in use or cannot be had. Bound as uvicorn would bind it (SO_REUSEADDR: a port left
    in TIME_WAIT by an earlier server is free, one another server listens on is not)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
        sock.listen(2048)
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise OutputError([Problem("port_busy", params={"port": port})]) from None
        raise OutputError([Problem("port_unavailable", params={
            "port": port, "reason": err.strerror or type(err).__name__})]) from None
    sock.set_inheritable(True)
    return sock


def serve(workspace: Path, port: int = 8765, browser: bool = True,
          ray: str | None = None) -> None:
    """Serve the page and the API at http://127.0.0.1:`port`/ until Ctrl-C; `ray`: solve
    the runs on Ray at that address ('local' or a cluster's) instead of in processes."""
    sock = bind(port)
    try:
        app = create_app(workspace, port, ray=ray)
        if app.state.runner.warm is not None:  # its imports while the page opens
            app.state.runner.warm.start()
        url = f"http://{HOST}:{port}/"
        if browser:
            threading.Timer(1.0, webbrowser.open, (url,)).start()
        print(f"placement workbench: {url} (workspace {Path(workspace).resolve()}; Ctrl-C stops)")
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        server.run(sockets=[sock])
    finally:
        sock.close()
