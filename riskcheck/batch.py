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
* A case that takes longer than ``case_timeout`` seconds (an endless loop, a stopped worker)
  costs its worker: the worker is killed and replaced, that case becomes an error entry, and the
  other cases it held are handed out again. Workers write which case they are on, and since when,
  into a small shared array; the supervisor reads it while it waits for answers. A batch stopped
  as a whole (Ctrl-Z) and continued later starts every clock afresh (SIGCONT).
* Workers never outlive the supervisor: on Linux the kernel kills them when it dies
  (``PR_SET_PDEATHSIG``), and everywhere a worker waiting for work checks once a second that its
  parent is still the supervisor.
* Tasks go to each worker through its own ``multiprocessing.Queue`` (so the supervisor never
  blocks on a send) and results come back through its own pipe (so a killed worker can only
  break its own channel).

Tests stand in for a crashing or hanging engine with a Checker of their own (``factory``), or kill
a real worker by its pid; nothing here exists for them.
"""

from __future__ import annotations

import fcntl
import gc
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from riskcheck.errors import STOP_SIGNALS, InputError, RiskcheckError
from riskcheck.evaluate import Checker
from riskcheck.i18n import text
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
CASE_TIMEOUT = 60.0
"""Default seconds one case may take (``audit --case-timeout``); a real case takes milliseconds."""
START_TIMEOUT = 120.0
"""Seconds a worker may take to build its Checker (at least ``case_timeout``)."""
PARENT_CHECK = 1.0
"""Seconds between a waiting worker's checks that the supervisor is still alive."""
PR_SET_PDEATHSIG = 1

Entry = dict[str, Any]
Prepare = Callable[[Entry], Any]


def item_entry(checker: Checker, item: Item, fail_on: str) -> Entry:
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


def _work(factory: Callable[[], Checker], fail_on: str, prepare: Prepare, tasks: Any, results: Any,
          progress: Any, parent: int) -> None:
    """A worker process: chunks in, prepared entries out, until a ``None`` chunk.

    Each answer is sent before the next chunk starts, so the chunk a dead worker was holding
    is exactly the oldest one it had not answered. Before each item it writes into ``progress``
    when it started, which item of which chunk it is (in that order, see ``Pool._deadline``).
    """
    for signum in STOP_SIGNALS:  # the supervisor decides when a batch stops; SIGTERM still kills a worker
        signal.signal(signum, signal.SIG_DFL if signum == signal.SIGTERM else signal.SIG_IGN)
    _on_resume(None)  # a forked worker would inherit the supervisor's
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by Pool._start
    _die_with(parent)
    checker = factory()
    gc.freeze()  # what exists now lives as long as the worker: keep it out of every garbage collection
    results.send(READY)
    while (chunk := _next_chunk(tasks, parent)) is not None:
        number, fields = chunk
        entries = []
        for index, item in enumerate(map(Item._make, fields)):
            progress[2] = time.monotonic()
            progress[1] = index
            progress[0] = number
            try:
                entries.append(item_entry(checker, item, fail_on))
            except RiskcheckError as exc:
                entries.append(checker.failed(item.default_id, item.source, exc).to_dict(fail_on))
            except Exception as exc:  # a bug must cost one case, not the batch
                error = f"{item.source}: internal error: {type(exc).__name__}: {' '.join(str(exc).split())}"
                entries.append(checker.failed(item.default_id, item.source, error).to_dict(fail_on))
        results.send((number, [prepare(entry) for entry in entries]))


def _die_with(parent: int) -> None:
    """Have the kernel SIGKILL this worker when the supervisor dies (Linux), and leave at once if it
    already has (the worker then belongs to another parent)."""
    if sys.platform.startswith("linux"):
        import ctypes  # here, not at the top: only workers need it

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl in this C library: the parent check below still holds
            pass
    if os.getppid() != parent:
        os._exit(1)


def _next_chunk(tasks: Any, parent: int) -> Any:
    """The next chunk; the worker exits if its supervisor is gone (where no PDEATHSIG did it already)."""
    while True:
        try:
            return tasks.get(timeout=PARENT_CHECK)
        except queue.Empty:
            if os.getppid() != parent:
                os._exit(1)


@dataclass(eq=False)
class _Worker:
    process: Any
    tasks: Any
    results: Any
    progress: Any
    """Shared with the worker: [chunk number, index in the chunk, monotonic start] of its current item."""
    started: float
    chunks: deque[tuple[int, list[tuple[int, Item, int]]]] = field(default_factory=deque)
    """Chunks handed out and not yet answered, oldest (the one being worked on) first."""
    ready: bool = False
    oldest_since: float = 0.0
    """When the oldest chunk became the one this worker should be on (sent, or the previous one answered)."""


class Pool:
    """``jobs`` worker processes evaluating items with checkers built by ``factory``; each entry is
    passed through ``prepare`` (a picklable function) before it comes back."""

    def __init__(self, factory: Callable[[], Checker], jobs: int, fail_on: str, prepare: Prepare, *,
                 case_timeout: float = CASE_TIMEOUT, lang: str = "en"):
        self.factory = factory
        self.jobs = max(jobs, 1)
        self.fail_on = fail_on
        self.prepare = prepare
        self.case_timeout = case_timeout
        self.lang = lang
        self.workers: list[_Worker] = []
        self.chunk_numbers = 0
        self.deaths = 0
        """Workers that died (or were killed for a case over the time limit) and were replaced."""
        self.timeouts = 0
        """Cases that took longer than ``case_timeout``."""
        self.resumed = 0.0
        """When the supervisor last continued after being stopped (SIGCONT): no case is overdue before
        ``case_timeout`` has passed since."""
        self.failed_starts = 0

    def run(self, items: Iterable[Item]) -> Iterator[Any]:
        """Prepared entries for ``items``, in their order, each exactly once."""
        source = enumerate(items)
        retry: deque[tuple[int, Item, int]] = deque()  # (sequence, item, attempts so far)
        done: dict[int, Any] = {}
        next_out = 0
        issued = 0  # one past the highest sequence number taken from ``source``
        exhausted = False
        previous = _on_resume(self._resumed)
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
                first = min(self._deadline(w) for w in busy)
                ready = multiprocessing.connection.wait(
                    [w.results for w in busy] + [w.process.sentinel for w in busy],
                    timeout=max(first - time.monotonic(), 0.0) + 0.01)
                for worker in busy:
                    if worker.results in ready or worker.process.sentinel in ready:
                        self._collect(worker, done, retry)
                now = time.monotonic()
                for worker in busy:
                    if worker in self.workers and worker.chunks and self._deadline(worker) <= now:
                        self._stop_overdue(worker, done, retry)
        finally:
            self._stop()
            _on_resume(previous)

    def _resumed(self, signum: int, frame: Any) -> None:
        """SIGCONT: the whole batch was stopped (Ctrl-Z, then ``fg``); the time it stood still is nobody's."""
        self.resumed = time.monotonic()

    def _deadline(self, worker: _Worker) -> float:
        """When the worker is overdue: ``case_timeout`` after its current case started (or after the
        oldest chunk became due, if it has not begun it), or a start-up limit while it builds its Checker."""
        if not worker.ready:
            return max(worker.started, self.resumed) + max(START_TIMEOUT, self.case_timeout)
        # read in the reverse order of the worker's writes: a start time at least as new as the chunk number
        number, started = worker.progress[0], worker.progress[2]
        since = started if number == worker.chunks[0][0] else worker.oldest_since
        return max(since, self.resumed) + self.case_timeout

    def _stop_overdue(self, worker: _Worker, done: dict[int, Any], retry: deque[tuple[int, Item, int]]) -> None:
        """Kill a worker over the time limit; the case it was on becomes an error, the rest go out again."""
        number, index = worker.chunks[0][0], int(worker.progress[1])
        on_it = worker.ready and worker.progress[0] == number
        worker.process.kill()
        worker.process.join()
        self._take_answers(worker, done)
        blamed = None
        if on_it and worker.chunks and worker.chunks[0][0] == number:  # not answered just before the kill
            sequence, item, _ = worker.chunks[0][1][index]
            blamed = sequence
            message = text("batch.timed_out", self.lang, source=item.source, seconds=f"{self.case_timeout:g}")
            done[sequence] = self.prepare(CaseResult(item.default_id, item.source, error=message)
                                          .to_dict(self.fail_on))
            self.timeouts += 1
        else:
            self.deaths += 1  # stopped or stuck outside any case (or while starting): as if it had died
        self._replace(worker, done, retry, blamed)

    def _start(self, fork: bool) -> _Worker:
        """A new worker: forked (it starts at once, nothing to import) only while the supervisor has no
        threads, i.e. before any task queue's feeder thread runs; forking a process with threads can
        deadlock the child, so a replacement for a dead worker is spawned."""
        context = multiprocessing.get_context("fork" if fork else "spawn")
        tasks = context.Queue()
        reader, writer = context.Pipe(duplex=False)
        _widen(reader)
        progress = context.RawArray("d", 3)
        process = context.Process(target=_work, args=(self.factory, self.fail_on, self.prepare, tasks, writer,
                                                      progress, os.getpid()), daemon=True)
        # Started with the stop signals blocked (the mask is kept across fork and exec), so a Ctrl-C while
        # it boots waits for the worker's own dispositions, and the supervisor's waits until it has started.
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        writer.close()
        return _Worker(process, tasks, reader, progress, time.monotonic())

    def _send(self, worker: _Worker, chunk: list[tuple[int, Item, int]]) -> None:
        self.chunk_numbers += 1
        if not worker.chunks:
            worker.oldest_since = time.monotonic()
        worker.chunks.append((self.chunk_numbers, chunk))
        # as plain tuples: items go by the thousand, and a plain tuple pickles several times faster
        worker.tasks.put((self.chunk_numbers, [tuple(item) for _, item, _ in chunk]))

    def _collect(self, worker: _Worker, done: dict[int, Any], retry: deque[tuple[int, Item, int]]) -> None:
        """Take the worker's answers; if it has died, hand its chunks out again and replace it."""
        alive = worker.process.is_alive()
        if self._take_answers(worker, done) and alive:
            return
        worker.process.join()
        self.deaths += 1
        self._replace(worker, done, retry)

    def _take_answers(self, worker: _Worker, done: dict[int, Any]) -> bool:
        """Read what the worker has sent; False if its pipe broke (it died half-way through an answer)."""
        try:
            while worker.results.poll():
                answer = worker.results.recv()
                if answer == READY:
                    worker.ready = True
                    worker.oldest_since = time.monotonic()
                    self.failed_starts = 0
                    continue
                number, entries = answer
                sent_number, chunk = worker.chunks.popleft()
                assert number == sent_number and len(entries) == len(chunk)
                done.update((sequence, entry) for (sequence, _, _), entry in zip(chunk, entries))
                worker.oldest_since = time.monotonic()
        except (EOFError, OSError):
            return False
        return True

    def _replace(self, worker: _Worker, done: dict[int, Any], retry: deque[tuple[int, Item, int]],
                 blamed: int | None = None) -> None:
        """A dead worker's chunks go out again and a new worker takes its place. The cases of the chunk it
        was on are retried once each, alone; or, if ``blamed`` names the case it was killed for (over the
        time limit, already an error entry), the others go out again as they were."""
        why = _death(worker.process.exitcode, self.lang)
        if not worker.ready:
            self.failed_starts += 1
            if self.failed_starts >= FAILED_STARTS:
                raise RiskcheckError(text("batch.workers_cannot_start", self.lang, why=why))
        if worker.ready and worker.chunks:
            _, started = worker.chunks.popleft()
            for sequence, item, attempts in started:
                if sequence == blamed:
                    continue
                if blamed is not None:
                    retry.append((sequence, item, attempts))
                elif attempts >= 1:
                    error = text("batch.died_twice", self.lang, source=item.source, why=why)
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


def _on_resume(handler: Any) -> Any:
    """Install ``handler`` for SIGCONT (where there is one, and in the main thread); returns the previous one."""
    if not hasattr(signal, "SIGCONT"):
        return None
    try:
        return signal.signal(signal.SIGCONT, handler if handler is not None else signal.SIG_DFL)
    except ValueError:  # not the main thread: no job control, no grace
        return None


def _widen(pipe: Any) -> None:
    """Let a worker's answer (a chunk of finished report text) fit in its pipe at once where the system
    allows (Linux), so the worker goes on with the next chunk instead of waiting for the supervisor."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):  # not Linux, or above /proc/sys/fs/pipe-max-size
        pass


def _death(exitcode: int | None, lang: str) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return text("batch.killed_by", lang, signal=name)
    return text("batch.exit_code", lang, code=exitcode)
