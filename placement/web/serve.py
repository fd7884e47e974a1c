"""`placement serve`: the workbench on 127.0.0.1 only, with uvicorn.

Why uvicorn: FastAPI's own server, one process with an event loop that streams the
progress events; the solves themselves run in worker processes (`runner.py`).
Loopback only, never another interface: personnel data stays on this machine.
"""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

import uvicorn

from placement.web.app import create_app

HOST = "127.0.0.1"


def serve(workspace: Path, port: int = 8765, browser: bool = True,
          ray: str | None = None) -> None:
    """Serve the page and the API at http://127.0.0.1:`port`/ until Ctrl-C; `ray`: solve
    the runs on Ray at that address ('local' or a cluster's) instead of in processes."""
    app = create_app(workspace, port, ray=ray)
    if app.state.runner.warm is not None:  # its imports while the page opens
        app.state.runner.warm.start()
    url = f"http://{HOST}:{port}/"
    if browser:
        threading.Timer(1.0, webbrowser.open, (url,)).start()
    print(f"placement workbench: {url} (workspace {Path(workspace).resolve()}; Ctrl-C stops)")
    uvicorn.run(app, host=HOST, port=port, log_level="warning")
