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
Loopback only; the client is a minimal HTTP/1.1 keep-alive client on asyncio streams, so it costs the
two cores the server and the audit share as little as possible.
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


async def load(port: int, bodies: list[bytes], total: int, concurrency: int,
               checkpoint: tuple[int, asyncio.Event]) -> tuple[list[float], dict[str, int], float]:
    """``total`` POST /api/v1/check requests, ``concurrency`` at a time on keep-alive connections."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    next_index = 0
    at, reached = checkpoint

    async def worker() -> None:
        nonlocal next_index
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while next_index < total:
                index = next_index
                next_index += 1
                if index == at:
                    reached.set()
                    await asyncio.sleep(0)
                body = bodies[index % len(bodies)]
                start = time.perf_counter()
                writer.write(b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                status = head.split(b" ", 2)[1].decode()
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - start)
                statuses[status] = statuses.get(status, 0) + 1
        except (OSError, asyncio.IncompleteReadError) as exc:
            statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, statuses, time.perf_counter() - start


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
        start = time.perf_counter()
        subprocess.run([*RISKCHECK, "audit", path, "--jobs", str(args.workers), "--format", "jsonl",
                        "-o", os.path.join(directory, "out.jsonl")], check=False)
        audit_seconds = time.perf_counter() - start
        audit_rate = args.requests / audit_seconds

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
            reached = asyncio.Event()

            async def run() -> tuple[list[float], dict[str, int], float]:
                task = asyncio.ensure_future(load(port, bodies, args.requests, args.concurrency, (WARM, reached)))
                await reached.wait()
                warm_rss.update({pid: rss_kib(pid) for pid in workers})
                return await task

            latencies, statuses, seconds = asyncio.run(run())
            end_rss = {pid: rss_kib(pid) for pid in workers}
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)

    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    rate = len(latencies) / seconds
    errors = sum(n for status, n in statuses.items() if status not in ("200", "422"))
    growth = max((end_rss[pid] - warm_rss[pid]) / warm_rss[pid] for pid in workers) if workers else 0.0
    print(f"riskcheck serve --workers {args.workers}: {len(latencies):,} of {args.requests:,} requests, "
          f"{args.concurrency} at a time, in {seconds:.1f} s")
    print(f"  requests/s          {rate:10,.0f}")
    print(f"  latency p50 / p99   {p50:10.2f} ms / {p99:.2f} ms   (p99/p50 = {p99 / p50:.1f}, target <= 5)")
    print(f"  answers             {json.dumps(statuses, sort_keys=True)}   errors: {errors} (target 0)")
    for pid in workers:
        print(f"  worker {pid} RSS      {warm_rss[pid] / 1024:8.1f} MiB after {WARM:,} requests, "
              f"{end_rss[pid] / 1024:.1f} MiB after {len(latencies):,}")
    print(f"  worker RSS growth   {growth * 100:+9.1f} %   (target within 10 %)")
    print(f"riskcheck audit --jobs {args.workers} on the same cases ({args.requests:,}: the {len(bodies):,} in turn): "
          f"{audit_seconds:.2f} s, {audit_rate:,.0f} cases/s")
    print(f"served / batch throughput: {rate / audit_rate:.2f}   (target >= 0.5)")


if __name__ == "__main__":
    main()
