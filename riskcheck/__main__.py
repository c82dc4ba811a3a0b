"""The program's entry point (``riskcheck`` and ``python -m riskcheck``): what must hold before anything else.

* Closed standard streams (``<&-``, ``>&-``, ``2>&-``) are reopened on the null device first, so a
  file opened later cannot take their numbers (a report must never land in fd 2 by accident) and
  every command runs as it would with open streams: the same result, the same ``-o`` file.
* Ctrl-C, SIGTERM and SIGHUP raise ``Interrupted`` from the first moment riskcheck's code runs, so
  a signal even while modules are still being imported is one line and exit 128 + signal, never a
  traceback; once the command line runs, its error boundary (``riskcheck/cli/__init__.py``)
  reports them.
"""

from __future__ import annotations

import os
import sys

from riskcheck.errors import Interrupted, stop_on_signals


def run() -> None:
    standard_streams()
    stop_on_signals()
    try:
        from riskcheck.cli import main

        main(prog_name="riskcheck")
    except Interrupted as exc:  # before the command line's boundary was in place (still importing)
        from riskcheck.i18n import text
        from riskcheck.language import cli_lang

        try:
            os.write(2, (text("cli.interrupted", cli_lang(sys.argv[1:]), signal=exc.name) + "\n").encode())
        except OSError:
            pass
        os._exit(exc.exit_code)


def standard_streams() -> None:
    """Open the null device on each closed standard descriptor, and give Python a stream over it."""
    for fd, name, mode in ((0, "stdin", os.O_RDONLY), (1, "stdout", os.O_WRONLY), (2, "stderr", os.O_WRONLY)):
        try:
            os.fstat(fd)
            continue
        except OSError:
            pass
        opened = os.open(os.devnull, mode)
        if opened != fd:
            os.dup2(opened, fd)
            os.close(opened)
        if getattr(sys, name) is None:
            stream = open(fd, "r" if fd == 0 else "w", encoding="utf-8", errors="backslashreplace", closefd=False)
            setattr(sys, name, stream)
            setattr(sys, f"__{name}__", stream)


if __name__ == "__main__":
    run()
