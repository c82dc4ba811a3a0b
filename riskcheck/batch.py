"""Evaluating a stream of work items in worker processes: results in input order, nothing lost.

* Each worker process builds its own Checker once (packs compiled once per process) and
  evaluates chunks of items; it ignores SIGINT, the supervisor decides when it stops.
* Workers also ``prepare`` each entry for the renderer (for streaming formats, its finished
  text), so the supervisor only counts and writes.
* At most ``IN_FLIGHT`` chunks per worker and ``WINDOW`` items past the oldest unfinished one
  are out at a time, so memory stays flat and the reorder buffer is bounded.
* A worker that dies (durable_rules can segfault) is replaced. The items of the chunk it was
  working on are retried once, one item per chunk; an item whose retry also kills its worker
  becomes an error entry. Items it had not started are simply handed out again, and so are all
  of its items if it died before reporting ready (three such deaths in a row stop the batch).
* Tasks go to each worker through its own ``multiprocessing.Queue`` (so the supervisor never
  blocks on a send) and results come back through its own pipe (so a killed worker can only
  break its own channel).
"""

from __future__ import annotations

import fcntl
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from riskcheck.errors import InputError, RiskcheckError
from riskcheck.evaluate import Checker
from riskcheck.inputs import Item, document
from riskcheck.report import CaseResult

FIRST_CHUNK = 8
CHUNK = 128
"""Items per chunk: chunks start small, so a small batch still spreads over every worker, and grow
with the batch up to ``CHUNK`` (fewer, larger messages leave the supervisor less to do)."""
PIPE_BYTES = 1 << 20
"""Capacity asked for each worker's answer pipe (Linux's default is 64 KiB)."""
IN_FLIGHT = 2
WINDOW = 4096
READY = "ready"
"""A worker's first message: its Checker is built."""
CAN_FORK = sys.platform == "linux"
"""Workers may be forked on Linux; elsewhere they are spawned, as Python itself does on macOS (whose
system libraries are not fork-safe)."""
FAILED_STARTS = 3
"""Workers dying before READY this many times in a row mean the set-up itself is broken."""

CRASH_ENV = "RISKCHECK_TEST_CRASH"
CRASH_ONCE_ENV = "RISKCHECK_TEST_CRASH_ONCE"
"""Test hook (used by tests/test_audit.py to stand in for a durable_rules segfault): a worker
SIGKILLs itself before evaluating an item whose source ends with ``$RISKCHECK_TEST_CRASH``; if
``$RISKCHECK_TEST_CRASH_ONCE`` names a file, only when it can still create that file (so once)."""

Entry = dict[str, Any]
Prepare = Callable[[Entry], Any]


def evaluate(checker: Checker, item: Item, fail_on: str) -> Entry:
    """One item's report entry; every problem becomes an error entry naming the file and line."""
    if item.error is not None:
        result = checker.failed(item.default_id, item.source, item.error)
    else:
        try:
            doc = document(item, checker.lang)
        except InputError as exc:
            result = checker.failed(item.default_id, item.source, exc)
        else:
            result = checker.check_document(doc, item.default_id)
            result.source = item.source
    return result.to_dict(fail_on)


def _maybe_crash(item: Item) -> None:
    needle = os.environ.get(CRASH_ENV)
    if not needle or not item.source.endswith(needle):
        return
    once = os.environ.get(CRASH_ONCE_ENV)
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
    os.kill(os.getpid(), signal.SIGKILL)


def _work(factory: Callable[[], Checker], fail_on: str, prepare: Prepare, tasks: Any, results: Any) -> None:
    """A worker process: chunks in, prepared entries out, until a ``None`` chunk.

    Each answer is sent before the next chunk starts, so the chunk a dead worker was holding
    is exactly the oldest one it had not answered.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker would inherit audit's handler
    checker = factory()
    gc.freeze()  # what exists now lives as long as the worker: keep it out of every garbage collection
    results.send(READY)
    while (chunk := tasks.get()) is not None:
        number, fields = chunk
        entries = []
        for item in map(Item._make, fields):
            _maybe_crash(item)
            try:
                entries.append(evaluate(checker, item, fail_on))
            except RiskcheckError as exc:
                entries.append(checker.failed(item.default_id, item.source, exc).to_dict(fail_on))
            except Exception as exc:  # a bug must cost one case, not the batch
                error = f"{item.source}: internal error: {type(exc).__name__}: {' '.join(str(exc).split())}"
                entries.append(checker.failed(item.default_id, item.source, error).to_dict(fail_on))
        results.send((number, [prepare(entry) for entry in entries]))


@dataclass
class _Worker:
    process: Any
    tasks: Any
    results: Any
    chunks: deque[tuple[int, list[tuple[int, Item, int]]]] = field(default_factory=deque)
    """Chunks handed out and not yet answered, oldest (the one being worked on) first."""
    ready: bool = False


class Pool:
    """``jobs`` worker processes evaluating items with checkers built by ``factory``; each entry is
    passed through ``prepare`` (a picklable function) before it comes back."""

    def __init__(self, factory: Callable[[], Checker], jobs: int, fail_on: str, prepare: Prepare):
        self.factory = factory
        self.jobs = max(jobs, 1)
        self.fail_on = fail_on
        self.prepare = prepare
        self.workers: list[_Worker] = []
        self.chunk_numbers = 0
        self.deaths = 0
        self.failed_starts = 0

    def run(self, items: Iterable[Item]) -> Iterator[Any]:
        """Prepared entries for ``items``, in their order, each exactly once."""
        source = enumerate(items)
        retry: deque[tuple[int, Item, int]] = deque()  # (sequence, item, attempts so far)
        done: dict[int, Any] = {}
        next_out = 0
        issued = 0  # one past the highest sequence number taken from ``source``
        exhausted = False
        try:
            self.workers = [self._start(fork=CAN_FORK) for _ in range(self.jobs)]
            while True:
                for worker in self.workers:
                    while len(worker.chunks) < IN_FLIGHT:
                        chunk: list[tuple[int, Item, int]] = []
                        size = min(CHUNK, max(FIRST_CHUNK, issued // (4 * self.jobs)))
                        if retry:
                            chunk.append(retry.popleft())
                            while retry and len(chunk) < size and chunk[0][2] == 0 and retry[0][2] == 0:
                                chunk.append(retry.popleft())
                        elif not exhausted and issued - next_out < WINDOW:
                            for sequence, item in source:
                                chunk.append((sequence, item, 0))
                                issued = sequence + 1
                                if len(chunk) == size:
                                    break
                            else:
                                exhausted = True
                        if not chunk:
                            break
                        self._send(worker, chunk)
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                busy = [w for w in self.workers if w.chunks]
                if not busy:
                    if exhausted and not retry:
                        return
                    continue
                ready = multiprocessing.connection.wait(
                    [w.results for w in busy] + [w.process.sentinel for w in busy])
                for worker in busy:
                    if worker.results in ready or worker.process.sentinel in ready:
                        self._collect(worker, done, retry)
        finally:
            self._stop()

    def _start(self, fork: bool) -> _Worker:
        """A new worker: forked (it starts at once, nothing to import) only while the supervisor has no
        threads, i.e. before any task queue's feeder thread runs; forking a process with threads can
        deadlock the child, so a replacement for a dead worker is spawned."""
        context = multiprocessing.get_context("fork" if fork else "spawn")
        tasks = context.Queue()
        reader, writer = context.Pipe(duplex=False)
        _widen(reader)
        process = context.Process(target=_work, args=(self.factory, self.fail_on, self.prepare, tasks, writer),
                                  daemon=True)
        # Started with SIGINT ignored (kept across fork and exec), so a Ctrl-C while it boots cannot hit it either.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            process.start()
        finally:
            signal.signal(signal.SIGINT, previous)
        writer.close()
        return _Worker(process, tasks, reader)

    def _send(self, worker: _Worker, chunk: list[tuple[int, Item, int]]) -> None:
        self.chunk_numbers += 1
        worker.chunks.append((self.chunk_numbers, chunk))
        # as plain tuples: items go by the thousand, and a plain tuple pickles several times faster
        worker.tasks.put((self.chunk_numbers, [tuple(item) for _, item, _ in chunk]))

    def _collect(self, worker: _Worker, done: dict[int, Any], retry: deque[tuple[int, Item, int]]) -> None:
        """Take the worker's answers; if it has died, hand its chunks out again and replace it."""
        alive = worker.process.is_alive()
        try:
            while worker.results.poll():
                answer = worker.results.recv()
                if answer == READY:
                    worker.ready = True
                    self.failed_starts = 0
                    continue
                number, entries = answer
                sent_number, chunk = worker.chunks.popleft()
                assert number == sent_number and len(entries) == len(chunk)
                done.update((sequence, entry) for (sequence, _, _), entry in zip(chunk, entries))
        except (EOFError, OSError):
            alive = False  # it died half-way through an answer
        if alive:
            return
        worker.process.join()
        self.deaths += 1
        why = _death(worker.process.exitcode)
        if not worker.ready:
            self.failed_starts += 1
            if self.failed_starts >= FAILED_STARTS:
                raise RiskcheckError(f"worker processes die while starting ({why}); nothing was evaluated by them")
        if worker.ready and worker.chunks:
            _, started = worker.chunks.popleft()
            for sequence, item, attempts in started:
                if attempts >= 1:
                    error = f"{item.source}: not evaluated: the worker process died twice on this case ({why})"
                    entry = CaseResult(item.default_id, item.source, error=error).to_dict(self.fail_on)
                    done[sequence] = self.prepare(entry)
                else:
                    retry.append((sequence, item, attempts + 1))
        for _, chunk in worker.chunks:  # not started: handed out again as they were
            retry.extend(chunk)
        ordered = sorted(retry, key=lambda entry: entry[0])  # oldest first keeps the reorder buffer small
        retry.clear()
        retry.extend(ordered)
        self._discard(worker)
        self.workers[self.workers.index(worker)] = self._start(fork=False)

    def _discard(self, worker: _Worker) -> None:
        worker.tasks.cancel_join_thread()
        worker.tasks.close()
        worker.results.close()

    def _stop(self) -> None:
        """Stop every worker: politely when they are idle, by force otherwise (Ctrl-C, errors)."""
        for worker in self.workers:
            if worker.process.is_alive() and not worker.chunks:
                worker.tasks.put(None)
        for worker in self.workers:
            worker.process.join(timeout=5 if not worker.chunks else 0)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            self._discard(worker)
        self.workers = []


def _widen(pipe: Any) -> None:
    """Let a worker's answer (a chunk of finished report text) fit in its pipe at once where the system
    allows (Linux), so the worker goes on with the next chunk instead of waiting for the supervisor."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):  # not Linux, or above /proc/sys/fs/pipe-max-size
        pass


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"
