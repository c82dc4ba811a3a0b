"""Errors a user can fix, and the exit codes of every command.

Exit codes (the same for every command; documented in the README):

* ``EXIT_OK`` 0: nothing at or above ``--fail-on`` (``validate``: all clean);
* ``EXIT_FINDINGS`` 1: findings at or above ``--fail-on`` (``test``: an expectation failed);
* ``EXIT_USER_ERROR`` 2: bad input, bad options, an unwritable ``-o`` (one line per problem);
* ``EXIT_INTERNAL`` 3: a bug in riskcheck (one line; the traceback with ``RISKCHECK_DEBUG=1``);
* ``128 + signal``: stopped by a signal (130 Ctrl-C / SIGINT, 143 SIGTERM, 129 SIGHUP), one line.
"""

from __future__ import annotations

import errno
import signal
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from riskcheck.i18n import Message

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USER_ERROR = 2
EXIT_INTERNAL = 3
EXIT_SIGNAL_BASE = 128
"""Stopped by signal N: exit code 128 + N, as a shell reports a process killed by it."""

DEBUG_ENV = "RISKCHECK_DEBUG"
"""Set (to anything but empty or 0) to get the traceback of an internal error."""


class RiskcheckError(Exception):
    """Base of all user-facing errors; ``str()`` is a single line."""

    exit_code = EXIT_USER_ERROR

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


class OutputError(RiskcheckError):
    """The output (``-o``) cannot be written: a missing directory, no permission, a full disk."""

    def __init__(self, path: str, error: OSError):
        self.path = path
        self.errno = error.errno
        self.strerror = error.strerror or str(error)
        super().__init__(self.render("en"))

    def render(self, lang: str, redact: bool = False) -> str:
        from riskcheck.i18n import messages, text

        key = f"output.errno.{errno.errorcode.get(self.errno or 0, '')}"
        reason = text(key, lang) if key in messages("en") else self.strerror
        return text("output.cannot_write", lang, path=self.path, reason=reason)


class Interrupted(BaseException):
    """A signal asked riskcheck to stop (Ctrl-C, SIGTERM, SIGHUP): unwinds like an exception, so workers
    are stopped and no partial output is left, then exits ``128 + signal`` with one line.

    A ``BaseException`` that is not a ``KeyboardInterrupt``, so that neither ``except Exception`` nor
    click's own handling (``Aborted!``) catches it on the way out.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.unwritten: str | None = None
        """The ``-o`` file that was being written and was therefore left as it was."""

    @property
    def exit_code(self) -> int:
        return EXIT_SIGNAL_BASE + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals that stop riskcheck with ``Interrupted``."""


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold the stop signals (and SIGALRM, which re-raises a swallowed one) until the block ends: for the
    few steps that must not be cut in two. A signal that came meanwhile is acted on right after."""
    held = (*STOP_SIGNALS, signal.SIGALRM) if hasattr(signal, "SIGALRM") else STOP_SIGNALS
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_swallowed: list[int] = []
"""Signals whose ``Interrupted`` a finalizer swallowed, to be raised again where it can stop riskcheck."""


_received: list[int] = []
"""The stop signals received in this run, in order."""


def _raise_interrupted(signum: int, frame: object) -> None:
    _received.append(signum)
    raise Interrupted(signum)


def interrupted_by() -> Interrupted | None:
    """The ``Interrupted`` a stop signal raised in this run, if any: code that catches exceptions and
    raises others (a class's ``__set_name__``, pydantic's schema builder) can turn it into an unrelated
    error, which must still be reported as the signal it was."""
    return Interrupted(_received[-1]) if _received else None


def _raise_swallowed(signum: int, frame: object) -> None:
    if _swallowed:
        raise Interrupted(_swallowed.pop())


def stop_on_signals() -> None:
    """From now on, SIGINT, SIGTERM and SIGHUP raise ``Interrupted`` (main thread only); a signal that
    was ignored when riskcheck started (``nohup``, a background job's SIGINT) stays ignored.

    Python runs a signal handler wherever the main thread is, also inside a finalizer or a weakref
    callback (the import system has some), where an exception is printed as "Exception ignored" and
    dropped. The signal must not be lost that way: such an ``Interrupted`` is not printed but raised
    again a millisecond later (by SIGALRM), when the finalizer has returned."""
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _raise_interrupted)
    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _raise_swallowed)
        previous = sys.unraisablehook

        def unraisable(info: Any) -> None:
            if isinstance(info.exc_value, Interrupted):
                _swallowed.append(info.exc_value.signum)
                signal.setitimer(signal.ITIMER_REAL, 0.001)
            else:
                previous(info)

        sys.unraisablehook = unraisable
