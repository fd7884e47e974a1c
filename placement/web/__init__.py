"""The planner's workbench: a local web page and an HTTP API over `placement.api`.

`placement serve` starts it (`serve.py`); `app.py` holds the API and serves the page
(`static/`); solves run in worker processes (`runner.py`); runs and their metadata
live in a workspace folder indexed by SQLite (`workspace.py`). The top layer: it
imports only `placement.api` and `placement.data` (docs/api.md, "HTTP API").
"""
