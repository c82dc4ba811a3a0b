"""Writing output: to stdout, or atomically to a file (a complete file or none at all)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from typing import IO, Iterator


@contextmanager
def open_output(path: str | None, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text stream for the output: stdout, or a temporary file renamed over ``path`` on success."""
    if path is None or path == "-":
        yield sys.stdout
        return
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".riskcheck-", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _mode_for(path: str) -> int:
    """The permissions a plain ``> path`` would leave: the file's own if it exists, else the umask's
    (``mkstemp`` alone would make every report readable by its owner only)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
