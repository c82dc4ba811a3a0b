"""The server's settings: read from the environment, so every worker process (``--workers``, or an
agency's own process manager running ``riskcheck.web:app``) gets the same ones."""

from __future__ import annotations

import os
from dataclasses import dataclass

from riskcheck.loading import MAX_BYTES

ENV = {
    "token": "RISKCHECK_TOKEN",
    "batch_limit": "RISKCHECK_BATCH_LIMIT",
    "time_limit": "RISKCHECK_TIME_LIMIT",
    "concurrency": "RISKCHECK_CONCURRENCY",
}


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    """Bearer token the API requires (None: open)."""
    max_bytes: int = MAX_BYTES
    """Largest case (a request body for ``/api/v1/check``, one line or row of an audit): 413 beyond it."""
    batch_limit: int = 10_000
    """Most cases in one ``/api/v1/audit`` request; cases past it get an error entry each."""
    time_limit: float = 60.0
    """Seconds one request may take (503 for a check; an audit ends with an error line)."""
    concurrency: int = 16
    """Requests that check cases at once in one process; one more gets 503."""

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(token=env.get(ENV["token"]) or None,
                   batch_limit=int(env.get(ENV["batch_limit"], cls.batch_limit)),
                   time_limit=float(env.get(ENV["time_limit"], cls.time_limit)),
                   concurrency=int(env.get(ENV["concurrency"], cls.concurrency)))
