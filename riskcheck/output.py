"""Writing output: to stdout, or to the file named by ``-o``, the one writer every command uses.

``-o PATH`` does what ``> PATH`` does in a shell, except that a report is never seen half-written:

* A regular file or a new path is replaced atomically: a reader sees the old file or the complete
  new one. On Linux the report is written to an anonymous file (``O_TMPFILE``) in the target's
  directory and linked into place only once complete, so even ``kill -9`` leaves nothing behind.
  Elsewhere, or on a file system without ``O_TMPFILE``, a hidden ``.riskcheck-*.tmp`` file beside
  the target is renamed over it (and removed on any error or signal short of ``kill -9``).
* A symbolic link is followed, as a redirect would: the file it points to is replaced (or created),
  the link stays.
* Anything else that is not a regular file (``/dev/null``, ``/dev/stdout``, a terminal, a named
  pipe) is opened and written into, never replaced by a file.
* Permissions: an existing file keeps its own mode; a new file gets ``0666`` less the umask, as
  ``>`` gives.

Every failure to open, write or put the file in place (a missing directory, no permission, a full
disk, ``-o /dev/full``) is one ``OutputError`` line: exit code 2, never a traceback.
"""

from __future__ import annotations

import errno
import io
import os
import select
import stat
import sys
from contextlib import contextmanager
from typing import IO, Any, Callable, Iterator

from riskcheck.errors import Interrupted, OutputError

TEMP_PREFIX = ".riskcheck-"
TEMP_SUFFIX = ".tmp"
ANONYMOUS = hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")
"""Anonymous files can be written and linked into place later (Linux, with /proc mounted)."""


@contextmanager
def open_output(path: str | None, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text stream for the output: stdout for ``None`` or ``-``, else ``path`` as described above."""
    if path is None or path == "-":
        with _stdout(encoding) as out:
            yield out
        return
    target = os.path.realpath(path)  # through symbolic links, as a redirect goes
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise OutputError(path, exc) from None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        if stat.S_ISDIR(existing.st_mode):
            raise OutputError(path, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
        with _writing(path, lambda: os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666), encoding) as out:
            yield out
        return
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    try:
        with _replacing(path, target, mode, existing is None, encoding) as out:
            yield out
    except Interrupted as exc:
        exc.unwritten = path
        raise


@contextmanager
def _stdout(encoding: str) -> Iterator[IO[str]]:
    """The report's own stream over the standard output's descriptor (see ``_Sink``: no write lost half-way),
    in stdout's encoding; stdout itself where it has no descriptor (click's test runner)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield sys.stdout
        sys.stdout.flush()  # a write error shows here, inside the command, not at exit
        return
    sys.stdout.flush()  # what was printed before comes first
    try:
        with _writing("stdout", lambda: fd, sys.stdout.encoding or encoding, closefd=False,
                      line_buffering=sys.stdout.line_buffering, errors=sys.stdout.errors) as out:
            yield out
    except OutputError as exc:
        if exc.errno == errno.EPIPE:  # the reader went away (``| head``): the command line ends quietly
            raise BrokenPipeError(exc.errno, exc.strerror) from None
        raise


@contextmanager
def _replacing(path: str, target: str, mode: int, new: bool, encoding: str) -> Iterator[IO[str]]:
    """Write a file beside ``target`` and put it in place only when complete."""
    directory = os.path.dirname(target)
    temp: list[str] = []  # the visible temporary file's name, if one is used

    def create() -> int:
        if ANONYMOUS:
            try:
                fd = os.open(directory, os.O_TMPFILE | os.O_WRONLY, 0o600)
            except OSError as exc:
                if exc.errno not in _NO_TMPFILE:
                    raise
            else:
                os.fchmod(fd, mode)
                return fd
        fd, name = _hidden_file(directory)
        temp.append(name)
        os.fchmod(fd, mode)
        return fd

    try:
        with _writing(path, create, encoding) as out:
            yield out
            out.flush()
            try:
                if temp:
                    os.replace(temp[0], target)
                else:
                    _link_into_place(out.fileno(), directory, target, new)
            except OSError as exc:
                raise OutputError(path, exc) from None
    except BaseException:
        if temp:
            _unlink(temp[0])
        raise


def _link_into_place(fd: int, directory: str, target: str, new: bool) -> None:
    """Give the anonymous file ``fd`` the name ``target``: directly if the name is free, else under a
    hidden name renamed over the old file (a complete file, visible for an instant)."""
    source = f"/proc/self/fd/{fd}"
    folder = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        # with a directory descriptor os.link calls linkat(AT_SYMLINK_FOLLOW): the file, not the /proc link
        if new:
            try:
                os.link(source, os.path.basename(target), dst_dir_fd=folder, follow_symlinks=True)
                return
            except FileExistsError:  # made by someone else meanwhile: replaced as any existing file
                pass
        while True:
            name = f"{TEMP_PREFIX}{os.urandom(6).hex()}{TEMP_SUFFIX}"
            try:
                os.link(source, name, dst_dir_fd=folder, follow_symlinks=True)
                break
            except FileExistsError:
                continue
        try:
            os.replace(name, target, src_dir_fd=folder)
        except BaseException:
            _unlink(os.path.join(directory, name))
            raise
    finally:
        os.close(folder)


@contextmanager
def _writing(path: str, opener: Callable[[], int], encoding: str, closefd: bool = True, line_buffering: bool = False,
             errors: str | None = None) -> Iterator[IO[str]]:
    """A text stream over the descriptor ``opener`` returns; any failure to open, write or close it is
    an ``OutputError`` naming ``path`` (other errors of the caller pass through untouched)."""
    try:
        fd = opener()
    except OSError as exc:
        raise OutputError(path, exc) from None
    stream = io.TextIOWrapper(io.BufferedWriter(_Sink(fd, closefd), BUFFER), encoding=encoding, errors=errors,
                              newline="", line_buffering=line_buffering)
    try:
        try:
            yield stream
            stream.flush()
        finally:
            stream.close()
    except _WriteFailed as failed:
        raise OutputError(path, failed.error) from None


BUFFER = 1 << 16
"""Bytes gathered before a write: a pipe's size, so a reader downstream still gets a batch's lines as
they come, but in tens (lines of a JSON Lines report are a few kilobytes) rather than one each."""


class _WriteFailed(Exception):
    """A write to the output failed; carries the ``OSError`` (kept apart from any other ``OSError``)."""

    def __init__(self, error: OSError):
        super().__init__(error)
        self.error = error


class _Sink(io.FileIO):
    """The output's raw stream: writes everything it is given, and a failed write or close raises
    ``_WriteFailed``.

    A write into a pipe or device can be cut short (a process stopped and continued while blocked
    in it writes part and returns). Python's buffered writer then keeps the rest in its buffer and
    loses it on the next write (CPython 3.11 to 3.13: with ``kill -STOP``/``-CONT`` of a blocked
    ``riskcheck audit | reader``, kilobytes went missing from the middle of the report); so the
    rest is written here, before returning."""

    def __init__(self, fd: int, closefd: bool = True):
        super().__init__(fd, "wb", closefd=closefd)

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        done = 0
        try:
            while done < len(view):
                written = super().write(view[done:])
                if written is None:  # a descriptor left non-blocking by whoever shares it: wait until it takes more
                    select.select([], [self], [])
                else:
                    done += written
        except OSError as exc:
            raise _WriteFailed(exc) from None
        return done

    def close(self) -> None:
        try:
            super().close()
        except OSError as exc:
            raise _WriteFailed(exc) from None


_NO_TMPFILE = {getattr(errno, name) for name in ("EOPNOTSUPP", "EISDIR", "EINVAL", "ENOTSUP") if hasattr(errno, name)}
"""What ``open(O_TMPFILE)`` fails with where the kernel or the file system lacks it."""


def _hidden_file(directory: str) -> tuple[int, str]:
    while True:
        name = os.path.join(directory, f"{TEMP_PREFIX}{os.urandom(6).hex()}{TEMP_SUFFIX}")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), name
        except FileExistsError:
            continue


def _unlink(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
