"""Errors a user can fix: each prints as one line and exits with code 2."""

from __future__ import annotations


class RiskcheckError(Exception):
    """Base of all user-facing errors; ``str()`` is a single line."""

    exit_code = 2


class InputError(RiskcheckError):
    """A file that cannot be read or validated, located by line and/or field."""

    def __init__(self, source: str, message: str, line: int | None = None, field: str | None = None):
        self.source = source
        self.message = " ".join(str(message).split())
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
