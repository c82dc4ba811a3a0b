"""``riskcheck serve``: the candidate's page and the agencies' API on one server that stores nothing.

``riskcheck.web:app`` is the ASGI app, configured from the environment (``RISKCHECK_TOKEN``,
``RISKCHECK_BATCH_LIMIT``, ``RISKCHECK_TIME_LIMIT``, ``RISKCHECK_CONCURRENCY``), so an agency can run
it under its own process manager: ``uvicorn riskcheck.web:app``. Tests build their own with
``create_app(Settings(...))``. Nothing here is imported by ``riskcheck check``.
"""

from riskcheck.web.app import create_app

app = create_app()

__all__ = ["app", "create_app"]
