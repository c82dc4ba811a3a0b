"""Files as the readers meet them: only regular files are opened, and lines are read with a bound."""

from __future__ import annotations

import os
import stat
from typing import IO, Iterator

from riskcheck.errors import InputError
from riskcheck.i18n import text

SKIP_CHUNK = 1 << 16
SAMPLE = 1 << 16


def kind_of(mode: int, lang: str) -> str | None:
    """Why a file of this mode is not read (a FIFO would hang, a device never ends); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, key in ((stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"),
                      (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "directory")):
        if test(mode):
            return text(f"input.not_regular.{key}", lang)
    return text("input.not_regular.other", lang)


def check_regular(path: str, lang: str) -> None:
    """Raise InputError unless ``path`` (through symlinks) is a regular file; nothing is opened."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    why = kind_of(mode, lang)
    if why:
        raise InputError(path, why)


def open_regular(path: str, lang: str, buffering: int = -1) -> IO[bytes]:
    """Open a regular file for reading; anything else (a FIFO, a device, a symlink to one) is refused
    before it is opened, and checked again on the open descriptor (it may have been swapped)."""
    check_regular(path, lang)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    try:
        why = kind_of(os.fstat(fd).st_mode, lang)
        if why:
            raise InputError(path, why)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return open(fd, "rb", buffering)


LINES_BUFFER = 1 << 18
"""Bytes read at a time from a file of many cases (JSON Lines, CSV): a read per few hundred cases, not per
few, so the batch's reading thread seldom waits for its turn to run."""

TOO_LONG = None
"""What ``bounded_lines`` yields in place of a line over the limit."""


def bounded_lines(handle: IO[bytes], limit: int, first: int = 1) -> Iterator[tuple[int, bytes | None]]:
    """``(number, line)`` for each line (with its line break); a line longer than ``limit`` bytes comes
    as ``(number, TOO_LONG)``, skipped to its end without ever being held in memory whole."""
    number = first - 1
    while True:
        raw = handle.readline(limit + 2)
        if not raw:
            return
        number += 1
        if len(raw) > limit and len(raw.rstrip(b"\r\n")) > limit:
            if not raw.endswith(b"\n"):
                skip_line(handle)
            yield number, TOO_LONG
        else:
            yield number, raw


def skip_line(handle: IO[bytes]) -> None:
    """Read on to the end of the current line, a bounded piece at a time."""
    while True:
        chunk = handle.readline(SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def estimate_lines(path: str) -> int:
    """About how many lines a file holds, from its size and the lines of its first 64 KiB."""
    try:
        size = os.stat(path).st_size
        with open_regular(path, "en") as handle:
            sample = handle.read(SAMPLE)
    except (OSError, InputError):
        return 1
    if not sample:
        return 1
    lines = sample.count(b"\n") or 1
    return max(1, round(lines * size / len(sample)))
