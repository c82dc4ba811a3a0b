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

    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"
    click.echo(text("web.serve.url", lang, url=url), err=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    settings = dict(host=host, port=port, workers=workers, access_log=False, log_level="warning",
                    server_header=False, date_header=False, log_config=_log_config(access_log))
    if workers == 1:
        uvicorn.run("riskcheck.web:app", **settings)
    else:
        _run_workers(uvicorn.Config("riskcheck.web:app", **settings))


def _run_workers(config: Any) -> None:
    """Several server processes on one listening socket, as ``uvicorn.run`` does, but with TCP_NODELAY set
    on that socket: uvicorn binds it with protocol 0, so asyncio leaves Nagle's algorithm on for the
    connections it accepts, and every answer then waits ~40 ms for the client's delayed ACK (measured:
    44 ms per request with two workers, 1 ms with one). Accepted sockets inherit the option (Linux)."""
    import inspect
    import socket

    from uvicorn import Server
    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn before 0.30
        Multiprocess(config, target=Server(config).run, sockets=[sock]).run()
    else:
        Multiprocess(config, sockets=[sock]).run()


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
