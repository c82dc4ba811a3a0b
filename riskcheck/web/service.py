"""Checking cases inside the server: bounded concurrency and a time limit per request.

durable_rules keeps global state, so a process evaluates one case at a time, on its event loop's
thread (the Checkers, one per language, are built on first use); ``--workers`` adds processes. At
most ``Settings.concurrency`` requests are under way at once (the next is refused with ``Busy``),
each within ``Settings.time_limit`` (reading the body included: a slow client cannot hold a slot).
"""

from __future__ import annotations

import asyncio
import functools
import io
import queue
import threading
import time
from datetime import date
from typing import IO, Any, AsyncIterator, Awaitable, Callable, Iterator, TypeVar

from riskcheck.case import Case
from riskcheck.evaluate import Checker
from riskcheck.i18n import text
from riskcheck.loading import Document
from riskcheck.report import packs_entry
from riskcheck.web.settings import Settings

T = TypeVar("T")


class Busy(Exception):
    """Every slot is taken (503)."""


class TooSlow(Exception):
    """The request's time limit passed (503)."""


class Service:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.checkers: dict[str, Checker] = {}
        self.active = 0

    def checker(self, lang: str) -> Checker:
        """The Checker for ``lang`` (built on first use)."""
        if lang not in self.checkers:
            from riskcheck.rulepack import load_packs, pack_paths

            self.checkers[lang] = Checker(load_packs(pack_paths([], True)), lang=lang)
        checker = self.checkers[lang]
        checker.today = date.today()  # a server runs for days: waivers expire on time
        return checker

    @functools.cached_property
    def _packs(self) -> list[Any]:
        from riskcheck.rulepack import load_packs, pack_paths

        return load_packs(pack_paths([], True))

    def packs(self) -> list[dict[str, str]]:
        """The report's ``rule_packs`` entry."""
        return packs_entry(self._packs)

    def packs_detail(self) -> list[dict[str, Any]]:
        return [{"name": p.name, "version": p.version, "description": p.description, "rules": len(p.rules)}
                for p in self._packs]

    def acquire(self) -> float:
        """A place among the requests checking cases now (``Busy`` if none is free); returns the
        request's deadline (``time.monotonic``). Give it back with ``release``."""
        if self.active >= self.settings.concurrency:
            raise Busy()
        self.active += 1
        return time.monotonic() + self.settings.time_limit

    def release(self) -> None:
        self.active -= 1

    async def run(self, deadline: float, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` now, on the event loop's thread, if the deadline has not passed (``TooSlow``).

        Evaluating on the loop's own thread is the fastest path: a case takes a millisecond or two,
        and handing it to another thread costs more than that in GIL switches (measured: 2.4 ms a
        request). Long work (an audit) comes in small chunks, with the loop free in between."""
        await asyncio.sleep(0)
        if time.monotonic() > deadline:
            raise TooSlow()
        return func(*args)

    async def within(self, deadline: float, awaitable: Awaitable[T]) -> T:
        """Wait for ``awaitable`` (reading a request body) no longer than the deadline allows (``TooSlow``)."""
        try:
            async with asyncio.timeout(max(deadline - time.monotonic(), 0)):  # no task of its own, unlike wait_for
                return await awaitable
        except TimeoutError:
            raise TooSlow() from None

    def check_case(self, case: Case, lang: str, fail_on: str) -> dict[str, Any]:
        """A validated case's report entry (on the loop)."""
        return self.checker(lang).check_case(case, case.id or "case").to_dict(fail_on)

    def check_document(self, doc: Document, lang: str, fail_on: str, default_id: str) -> dict[str, Any]:
        """A parsed document's report entry, an error entry when it is not a valid case (on the loop)."""
        return self.checker(lang).check_document(doc, default_id).to_dict(fail_on)

    def audit_lines(self, items: list[Any], numbers: list[int], lang: str, fail_on: str) -> list[bytes]:
        """JSON Lines of ``riskcheck audit --format jsonl`` for work items (on the loop); items past the
        batch limit become error entries, so every input still has its line."""
        from riskcheck.batch import item_entry
        from riskcheck.render.jsonl import JsonlRenderer

        checker = self.checker(lang)
        limit = self.settings.batch_limit
        lines = []
        for item, number in zip(items, numbers):
            if number > limit:
                entry = checker.failed(item.default_id, item.source,
                                       text("web.api.batch_limit", lang, limit=f"{limit:,}")).to_dict(fail_on)
            else:
                entry = item_entry(checker, item, fail_on)
            lines.append(JsonlRenderer.encode(entry, fail_on))
        return lines


class BodyReader(io.RawIOBase):
    """A blocking byte stream over chunks put in a queue by the event loop (``None`` ends it), so the
    command line's readers of JSON Lines and CSV can read a request body as it arrives."""

    def __init__(self) -> None:
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self.rest = b""
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.rest and not self.ended:
            chunk = self.chunks.get()
            if chunk is None:
                self.ended = True
            else:
                self.rest = chunk
        n = min(len(buffer), len(self.rest))
        buffer[:n] = self.rest[:n]
        self.rest = self.rest[n:]
        return n

    async def feed(self, stream: AsyncIterator[bytes]) -> None:
        """Copy a request body into the queue (waiting, not blocking, while the reader is behind)."""
        try:
            async for chunk in stream:
                if chunk:
                    await self._put(chunk)
        finally:
            await self._put(None)

    async def _put(self, chunk: bytes | None) -> None:
        while True:
            try:
                self.chunks.put_nowait(chunk)
                return
            except queue.Full:
                await asyncio.sleep(0.005)


def read_items(handle: IO[bytes], fmt: str, name: str) -> Iterator[Any]:
    """The batch's work items from a byte stream, by the same readers as ``riskcheck audit``."""
    from riskcheck import inputs

    return inputs.stream(handle, "csv" if fmt == "csv" else "jsonl", name)


def items_in_thread(body: BodyReader, fmt: str, name: str, loop: asyncio.AbstractEventLoop,
                    out: asyncio.Queue[Any], space: threading.Semaphore, stop: threading.Event) -> threading.Thread:
    """Read items on a thread of their own (it blocks while the client is slow), handing each to ``out``;
    the consumer releases ``space`` for each item it takes, so at most its initial value wait. When the
    consumer is gone it sets ``stop`` and releases ``space`` once."""
    def hand(value: Any) -> bool:
        if stop.is_set():
            return False
        try:
            loop.call_soon_threadsafe(out.put_nowait, value)
        except RuntimeError:  # the request's loop is gone
            return False
        return True

    def work() -> None:
        try:
            for item in read_items(io.BufferedReader(body, 1 << 16), fmt, name):
                space.acquire()
                if not hand(item):
                    return
        except Exception as exc:  # reported as the stream's last line
            hand(exc)
        hand(None)

    thread = threading.Thread(target=work, name="riskcheck-read", daemon=True)
    thread.start()
    return thread
