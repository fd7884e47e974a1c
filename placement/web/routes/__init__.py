"""The workbench's routers, one per area: scenarios and data sets, questions asked
without a solve (candidates, a trial member, lock checks) or of a run, and runs.
Each is built over the shared `placement.web.context.Context` by `router(ctx)`."""
