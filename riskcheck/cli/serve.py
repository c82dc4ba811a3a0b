"""``riskcheck serve``: the candidate's page and the API on this computer (or, deliberately, beyond it)."""

from __future__ import annotations

import ipaddress
import os
import threading
import webbrowser

from typing import Any

import click

from riskcheck.cli.options import default_lang, fail
from riskcheck.i18n import text
from riskcheck.web.settings import ENV, Settings

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
STARTUP_FAILURE = 3
"""uvicorn's exit code for a worker that could not start (restarting it would fail again)."""
BACKLOG = 2048
"""Connections waiting to be accepted, per listening socket (uvicorn's default)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this computer."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Beyond loopback needs --token or --allow-anonymous.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Server processes.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--token", envvar=ENV["token"], default=None, show_envvar=True,
              help="Bearer token the API requires.")
@click.option("--allow-anonymous", is_flag=True,
              help="Listen beyond loopback without a token (a page deliberately open behind your own proxy).")
@click.option("--batch-limit", type=click.IntRange(min=1), default=Settings.batch_limit, show_default=True,
              help="Most cases in one /api/v1/audit request.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=Settings.time_limit, show_default=True,
              help="Seconds one request may take.")
@click.option("--concurrency", type=click.IntRange(min=1), default=Settings.concurrency, show_default=True,
              help="Requests checking cases at once per process; one more gets 503.")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="Log each request (method, path, status, size, time; never a query or a case).")
def serve(host: str, port: int, workers: int, open_browser: bool, token: str | None, allow_anonymous: bool,
          batch_limit: int, time_limit: float, concurrency: int, access_log: bool) -> None:
    """Serve the candidate's page (/) and the API (/api/v1/, docs at /docs). Nothing is stored.

    By default only this computer can connect (127.0.0.1).
    """
    lang = default_lang()
    if not is_loopback(host) and not token and not allow_anonymous:
        fail(text("web.serve.refuse_bind", lang, host=host))
    os.environ.update({ENV["batch_limit"]: str(batch_limit), ENV["time_limit"]: str(time_limit),
                       ENV["concurrency"]: str(concurrency)})
    if token:
        os.environ[ENV["token"]] = token
    else:
        os.environ.pop(ENV["token"], None)

    import uvicorn

    config = uvicorn.Config("riskcheck.web:app", host=host, port=port, workers=workers, access_log=False,
                            log_level="warning", server_header=False, date_header=False,
                            log_config=_log_config(access_log))
    sockets = _listening_sockets(host, port, workers)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{sockets[0].getsockname()[1]}/"
    click.echo(text("web.serve.url", lang, url=url), err=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    if workers > 1:
        _run_workers(config, sockets)
        return
    server = uvicorn.Server(config)
    server.run(sockets=sockets)
    if not server.started:
        raise SystemExit(STARTUP_FAILURE)


def _run_workers(config: Any, sockets: list[Any]) -> None:
    """Several server processes on one port, each on a listening socket of its own (SO_REUSEPORT, listening
    before any worker starts), so that the kernel spreads the connections over them. On one shared socket,
    as ``uvicorn.run`` binds it, the worker up first took every connection a client opened while the other
    was still starting, and kept them (keep-alive): a load's 16 connections mostly all on one of two
    workers, the server at one worker's speed. Where SO_REUSEPORT is missing (Windows) the workers share
    one socket. A worker that dies is started again on its socket; SIGINT or SIGTERM stops them all."""
    import signal
    import threading

    from uvicorn import Server
    from uvicorn._subprocess import get_subprocess

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    slots = sockets * config.workers if len(sockets) == 1 else sockets  # one shared socket: each worker on it
    processes: list[Any] = [None] * len(slots)
    try:
        while not stop.is_set():
            for n, sock in enumerate(slots):
                process = processes[n]
                if process is not None and (process.is_alive() or stop.is_set()):
                    continue
                if process is not None and process.exitcode == STARTUP_FAILURE:
                    raise SystemExit(STARTUP_FAILURE)
                processes[n] = get_subprocess(config, target=Server(config).run, sockets=[sock])
                processes[n].start()
            stop.wait(0.5)
    finally:
        for process in processes:
            if process is not None and process.is_alive():
                process.terminate()
        for process in processes:
            if process is not None:
                process.join()


def _listening_sockets(host: str, port: int, count: int) -> list[Any]:
    """``count`` TCP sockets bound to ``host:port`` with SO_REUSEPORT (one without it where the system lacks
    it). A probe without the option binds first: it fails when anything listens there already, another
    ``riskcheck serve`` too, which would otherwise join this one's group silently and take a share of its
    connections. The sockets listen from here on: a connection made while a worker starts waits for it."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            fail(text("web.serve.cannot_listen", default_lang(), host=host, port=port, reason=exc.strerror or exc))
        port = probe.getsockname()[1]
        if not hasattr(socket, "SO_REUSEPORT"):
            probe.listen(BACKLOG)
            probe.set_inheritable(True)
            return [_no_delay(probe.dup())]
    sockets = []
    for _ in range(count):
        sock = socket.socket(family)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(BACKLOG)  # here, not when its worker has started: the kernel spreads connections over
        sock.set_inheritable(True)  # listening sockets only, and would give the first worker up all of them
        sockets.append(_no_delay(sock))
    return sockets


def _no_delay(sock: Any) -> Any:
    """TCP_NODELAY on a listening socket (accepted sockets inherit it, on Linux): without it asyncio leaves
    Nagle's algorithm on for sockets bound with protocol 0, as uvicorn binds them, and every answer waits
    ~40 ms for the client's delayed ACK (measured: 44 ms per request with two workers, 1 ms with one)."""
    import socket

    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _log_config(access: bool) -> dict[str, object]:
    """Uvicorn's own logs at warning level, and our access log (``riskcheck.web.access``) on stderr."""
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "riskcheck.web": {"handlers": ["stderr"], "level": "INFO" if access else "WARNING", "propagate": False},
        },
    }
