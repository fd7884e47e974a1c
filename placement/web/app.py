"""The workbench's HTTP API and page: a thin FastAPI layer over `placement.api`.

`create_app` guards every request and joins the routers, one per area
(`placement.web.routes`: scenarios and data sets, questions, runs; the Plan tab's in
`placement.web.plans`), built over one `placement.web.context.Context`; what the
workbench writes (the working state, saved scenarios, uploads, forms.zip) is written
by `placement.web.workspace`, and what it aggregates by `placement.api`.

Why FastAPI: it writes the OpenAPI description (`/api/v1/openapi.json`) from the
handlers themselves, so docs/api.md and the schema other systems call cannot disagree
with the code; handlers declared with `def` run in a thread pool, which keeps the
explanations that re-solve (why-not, alternates, reports) off the event loop, and
solves go further, to worker processes (`placement.web.runner`).

Safety (personnel data stays on the machine):
- the server binds 127.0.0.1 only (`serve.py`), and a request whose `Host` is not the
  bound loopback name and port is refused (DNS rebinding);
- every state-changing request carries the session token as `X-CSRF-Token` (403
  without it): another site open in the same browser can post a form here but cannot
  read the token, since no CORS headers are ever sent;
- request bodies have size limits (`MAX_BODY`, `MAX_UPLOAD`), and an upload goes
  through the loader's validation before anything is kept;
- logs carry run ids, never names or ID numbers.
"""

from __future__ import annotations

import secrets
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from placement.web.context import Context
from placement.web.plans import register as register_plans
from placement.web.routes import questions, runs, scenarios
from placement.web.runner import Runner
from placement.web.workspace import Workspace

STATIC = Path(__file__).parent / "static"
BUNDLED = Path(__file__).resolve().parents[2] / "scenarios"  # a source checkout's samples
MAX_BODY = 1 << 20  # bytes: JSON requests
MAX_UPLOAD = 64 << 20  # bytes: a data set upload (base64 inside JSON)
SAFE = ("GET", "HEAD")


def create_app(workspace: Path | str, port: int = 8765, bundled: Path | None = BUNDLED,
               parallel: int = 1, ray: str | None = None) -> FastAPI:
    """The app over the workspace folder `workspace`, accepting `Host` 127.0.0.1:`port`
    or localhost:`port`; `bundled`: a folder of sample scenarios listed beside the saved
    ones; `parallel`: runs solved at once; `ray`: solve on Ray at that address."""
    ws = Workspace(workspace)
    ctx = Context(ws, Runner(ws, parallel, ray), secrets.token_urlsafe(32), bundled)
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}

    @asynccontextmanager
    async def lifespan(_app):
        yield
        ctx.runner.close()
        plans.close()

    app = FastAPI(title="placement workbench", version="1", openapi_url="/api/v1/openapi.json",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.workspace, app.state.runner = ws, ctx.runner

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if request.headers.get("host", "") not in hosts:
            return JSONResponse({"detail": "unknown Host"}, status_code=400)
        if request.method not in SAFE:
            if not secrets.compare_digest(request.headers.get("x-csrf-token", ""), ctx.token):
                return JSONResponse({"detail": "missing or wrong X-CSRF-Token"}, 403)
            size = request.headers.get("content-length")
            limit = MAX_UPLOAD if request.url.path == "/api/v1/datasets" else MAX_BODY
            if size is None and request.headers.get("transfer-encoding"):
                return JSONResponse({"detail": "Content-Length required"}, 411)
            if size is not None and not size.strip().isdecimal():
                return JSONResponse({"detail": "Content-Length: expected a whole number"}, 400)
            if size is not None and int(size) > limit:
                return JSONResponse({"detail": f"body over {limit} bytes"}, 413)
        response = await call_next(request)
        if response.status_code == 405:  # Starlette names only the first route's methods
            response.headers["Allow"] = ", ".join(allowed(request.url.path))
        return response

    def allowed(path: str) -> list[str]:
        """Every method some route answers at `path` (a path may have a route per method)."""
        return sorted({m for route in app.routes if isinstance(route, APIRoute)
                       and route.path_regex.match(path) for m in route.methods})

    plans = register_plans(app, ctx)  # the Plan tab
    for area in (scenarios, questions, runs):
        app.include_router(area.router(ctx))

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
