"""The program's entry point (``riskcheck`` and ``python -m riskcheck``): what must hold before anything else.

* Closed standard streams (``<&-``, ``>&-``, ``2>&-``) are reopened on the null device first, so a
  file opened later cannot take their numbers (a report must never land in fd 2 by accident) and
  every command runs as it would with open streams: the same result, the same ``-o`` file.
* Ctrl-C, SIGTERM and SIGHUP raise ``Interrupted`` from the first moment riskcheck's code runs, so
  a signal even while modules are still being imported is one line and exit 128 + signal, never a
  traceback; once the command line runs, its error boundary (``riskcheck/cli/__init__.py``)
  reports them. (Before that first moment, the few milliseconds the interpreter itself takes to
  start, Python's own handling applies.) Once the command has finished, the stop signals are
  blocked: a late Ctrl-C cannot turn a finished run into a death by signal.
"""

from __future__ import annotations

import os
import signal
import sys

from riskcheck.errors import STOP_SIGNALS, Interrupted, interrupted_by, stop_on_signals
from riskcheck.streams import standard_streams


def run() -> None:
    standard_streams()
    stop_on_signals()
    try:
        from riskcheck.cli import main

        main(prog_name="riskcheck")
    except SystemExit:
        # finished, with its exit code and any output complete: a signal now (Python restores the default
        # handlers while it shuts down) must not turn that into a silent death by signal; nor may the timer
        # that re-raises a signal a finalizer swallowed (SIGALRM, see ``stop_on_signals``) fire now
        if hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0)
        signal.pthread_sigmask(signal.SIG_BLOCK, (*STOP_SIGNALS, signal.SIGALRM))
        raise
    except Exception:  # while still importing: a signal that library code turned into another error?
        signalled = interrupted_by()
        if signalled is None:
            raise
        _interrupted(signalled)
    except Interrupted as exc:  # before the command line's boundary was in place (still importing)
        _interrupted(exc)


def _interrupted(exc: Interrupted) -> None:
    """One line and exit 128 + signal, with nothing of the command line's machinery loaded."""
    from riskcheck.i18n import text
    from riskcheck.language import cli_lang

    try:
        os.write(2, (text("cli.interrupted", cli_lang(sys.argv[1:]), signal=exc.name) + "\n").encode())
    except OSError:
        pass
    os._exit(exc.exit_code)


if __name__ == "__main__":
    run()
