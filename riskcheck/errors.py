"""Errors a user can fix: each prints as one line and exits with code 2."""

from __future__ import annotations

from riskcheck.i18n import Message


class RiskcheckError(Exception):
    """Base of all user-facing errors; ``str()`` is a single line."""

    exit_code = 2

    def render(self, lang: str, redact: bool = False) -> str:
        """The error in ``lang``; with ``redact``, without the input values it quotes."""
        return str(self)


class InputError(RiskcheckError):
    """A file that cannot be read or validated, located by line and/or field.

    ``message`` is text, or a ``Message`` (words from the catalogue, input values kept apart);
    ``public_field``, when given, is what ``redact`` shows of the field, whose last part is input (an unknown
    key): its parent's path, or ``""`` for none."""

    def __init__(self, source: str, message: str | Message, line: int | None = None, field: str | None = None,
                 public_field: str | None = None):
        self.source = source
        self.detail = message
        self.message = " ".join(str(message).split())
        self.line = line
        self.field = field
        self.public_field = public_field
        super().__init__(str(self))

    def __str__(self) -> str:
        return self._located(self.field, self.message)

    def render(self, lang: str, redact: bool = False) -> str:
        detail = self.detail
        message = " ".join(detail.render(lang, redact).split()) if isinstance(detail, Message) else self.message
        field = self.public_field if redact and self.public_field is not None else self.field
        return self._located(field or None, message)

    def _located(self, field: str | None, message: str) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {field}: {message}" if field else f"{where}: {message}"
