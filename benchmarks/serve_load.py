"""A bounded load on ``riskcheck serve --workers 2`` on loopback, and ``riskcheck audit --jobs 2`` on the
same cases in the same run: is HTTP cheaper than the engine, and do long-running workers keep their memory?

    python benchmarks/serve_load.py [--requests 20000] [--concurrency 16] [--cases 2000] [--workers 2]

Prints requests/s, p50 and p99 latency, errors, the resident memory of each worker after 1,000 requests
and at the end, and the audit's cases/s, with the targets side by side:
  * no errors (every answer 200, or 422 for the ~3% of generated cases that are invalid);
  * served requests/s at least 0.5 of the audit's cases/s (HTTP must cost less than the engine);
  * p99 within 5x of p50;
  * worker memory at the end within 10% of after 1,000 requests (run with --requests 100000 for the
    issue's figure): durable_rules sessions must not leak in a long-running process.
Loopback only. The client is a minimal HTTP/1.1 client: ``--concurrency`` keep-alive connections, each an
asyncio protocol that sends a request, reads its answer whole (status line, headers, every byte of the
body its Content-Length announces) and counts its status before it sends the next; a connection the
server closes early, or an answer without a length, counts as an error. It runs on uvloop when installed,
so it takes little of the two cores the server shares with it. The audit is timed alone, before the load
and after it, and the faster of the two is the batch's figure (on a shared machine, the harder target).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
RISKCHECK = [sys.executable, "-m", "riskcheck"]
WARM = 1_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """The server's worker processes (not multiprocessing's resource tracker)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) != pid:
                        continue
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if b"resource_tracker" not in handle.read():
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return sorted(found)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Connection(asyncio.Protocol):
    """One keep-alive connection sending requests one after another: each answer is read whole (the status
    line, the headers, every byte of the body its Content-Length announces) before the next request goes."""

    def __init__(self, run: Load):
        self.run = run
        self.buffer = b""
        self.length = -1  # the current answer's body length, once its head is read
        self.status = ""
        self.finished = False  # every request sent and answered: this side closes
        self.closed = run.loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.send_next()

    def send_next(self) -> None:
        request = self.run.next_request()
        if request is None:
            self.finished = True
            self.transport.close()
            return
        self.start = time.perf_counter()
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.length < 0:
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                head, self.buffer = self.buffer[:end].decode("latin-1"), self.buffer[end + 4:]
                lines = head.split("\r\n")
                self.status = lines[0].split(" ", 2)[1]
                lengths = [line.split(":", 1)[1] for line in lines[1:] if line.lower().startswith("content-length:")]
                if not lengths:  # every answer of /api/v1/check has a length: anything else is an error
                    self.run.count("no Content-Length")
                    self.transport.close()
                    return
                self.length = int(lengths[0])
            if len(self.buffer) < self.length:
                return
            self.buffer = self.buffer[self.length:]
            self.length = -1
            self.run.latencies.append(time.perf_counter() - self.start)
            self.run.count(self.status)
            self.send_next()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.finished:
            self.run.count(type(exc).__name__ if exc else "closed by the server")
        self.closed.set_result(None)


class Load:
    """``total`` POST /api/v1/check requests, ``concurrency`` at a time on keep-alive connections; the bodies
    in turn. At ``checkpoint`` requests sent, ``reached`` is set (the resident memory is read then)."""

    def __init__(self, bodies: list[bytes], total: int, checkpoint: int):
        self.loop = asyncio.get_running_loop()
        self.requests = [b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body for body in bodies]
        self.total = total
        self.sent = 0
        self.checkpoint = checkpoint
        self.reached = asyncio.Event()
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}

    def next_request(self) -> bytes | None:
        if self.sent >= self.total:
            return None
        if self.sent == self.checkpoint:
            self.reached.set()
        self.sent += 1
        return self.requests[(self.sent - 1) % len(self.requests)]

    def count(self, status: str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1

    async def run(self, port: int, concurrency: int) -> float:
        start = time.perf_counter()
        connections = [(await self.loop.create_connection(lambda: Connection(self), "127.0.0.1", port))[1]
                       for _ in range(concurrency)]
        await asyncio.gather(*(connection.closed for connection in connections))
        return time.perf_counter() - start


def http_stack() -> str:
    """What uvicorn picks for the server ("auto"): httptools and uvloop when installed, else h11 and asyncio."""
    import importlib.util

    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"{parser}, {'uvloop' if importlib.util.find_spec('uvloop') else 'asyncio'}"


def event_loop() -> Any:
    """``uvloop.run`` when uvloop is installed (the server's loop too): the client then costs the cores the
    server shares with it less; else ``asyncio.run``."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cases", type=int, default=2_000, help="distinct generated cases, sent (and audited) in turn")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, os.path.join(HERE, "generate_cases.py"), str(args.cases), directory],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(directory, "cases.jsonl"), "rb") as handle:
            bodies = [line.rstrip(b"\n") for line in handle if line.strip()]
        # The batch on the same cases, as many as there are requests: cases per second, same processes.
        path = os.path.join(directory, "batch.jsonl")
        with open(path, "wb") as handle:
            handle.writelines(bodies[i % len(bodies)] + b"\n" for i in range(args.requests))

        def audit() -> float:
            start = time.perf_counter()
            subprocess.run([*RISKCHECK, "audit", path, "--jobs", str(args.workers), "--format", "jsonl",
                            "-o", os.path.join(directory, "out.jsonl")], check=False)
            return time.perf_counter() - start

        audit_seconds = [audit()]

        port = free_port()
        server = subprocess.Popen([*RISKCHECK, "serve", "--port", str(port), "--workers", str(args.workers),
                                   "--no-access-log", "--concurrency", str(max(args.concurrency * 2, 16))],
                                  start_new_session=True)
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            workers = children(server.pid)
            warm_rss: dict[int, int] = {}

            async def run() -> tuple[list[float], dict[str, int], float]:
                load = Load(bodies, args.requests, WARM)
                task = asyncio.ensure_future(load.run(port, args.concurrency))
                await load.reached.wait()
                warm_rss.update({pid: rss_kib(pid) for pid in workers})
                return load.latencies, load.statuses, await task

            latencies, statuses, seconds = event_loop()(run())
            end_rss = {pid: rss_kib(pid) for pid in workers}
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        audit_seconds.append(audit())
    audit_rate = args.requests / min(audit_seconds)

    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    rate = len(latencies) / seconds
    errors = sum(n for status, n in statuses.items() if status not in ("200", "422"))
    growth = max((end_rss[pid] - warm_rss[pid]) / warm_rss[pid] for pid in workers) if workers else 0.0
    print(f"riskcheck serve --workers {args.workers} (uvicorn on {http_stack()}): "
          f"{len(latencies):,} of {args.requests:,} requests, "
          f"{args.concurrency} at a time, in {seconds:.1f} s")
    print(f"  requests/s          {rate:10,.0f}")
    print(f"  latency p50 / p99   {p50:10.2f} ms / {p99:.2f} ms   (p99/p50 = {p99 / p50:.1f}, target <= 5)")
    print(f"  answers             {json.dumps(statuses, sort_keys=True)}   errors: {errors} (target 0)")
    for pid in workers:
        print(f"  worker {pid} RSS      {warm_rss[pid] / 1024:8.1f} MiB after {WARM:,} requests, "
              f"{end_rss[pid] / 1024:.1f} MiB after {len(latencies):,}")
    print(f"  worker RSS growth   {growth * 100:+9.1f} %   (target within 10 %)")
    print(f"riskcheck audit --jobs {args.workers} on the same cases ({args.requests:,}: the {len(bodies):,} in turn), "
          f"before and after the load: {' and '.join(f'{s:.2f} s' for s in audit_seconds)}; the faster, "
          f"{audit_rate:,.0f} cases/s")
    print(f"served / batch throughput: {rate / audit_rate:.2f}   (target >= 0.5)")


if __name__ == "__main__":
    main()
