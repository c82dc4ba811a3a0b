"""A real ``riskcheck serve`` process on loopback: the page, the API, the headers, the token, the access log,
several workers; and the refusal to listen beyond loopback without an access decision."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from conftest import EXAMPLES, ROOT, run_cli

CASE = EXAMPLES / "bonus-and-overtime-taken-on-trust.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, *args: str, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "riskcheck", "serve", "--port", str(self.port), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                     env={**os.environ, **(env or {})}, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # still starting
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"riskcheck serve did not start: {self.stderr}")

    def call(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.stderr = self.proc.stderr.read() if self.proc.stderr else ""
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("--workers", "2")
    yield running
    running.stop()


def case_body() -> bytes:
    return json.dumps(yaml.safe_load(CASE.read_text(encoding="utf-8")), default=str).encode()


def test_serves_the_page_and_the_api_on_loopback(server: Server, tmp_path: Path) -> None:
    status, headers, page = server.call("GET", "/?lang=ja")
    assert status == 200 and '<html lang="ja">' in page.decode() and "set-cookie" not in headers
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer" and "default-src 'self'" in headers["content-security-policy"]
    path = tmp_path / "case.json"
    path.write_bytes(case_body())
    status, _, body = server.call("POST", f"/api/v1/check?name={path}", case_body(),
                                  {"content-type": "application/json"})
    assert status == 200
    assert json.loads(body) == json.loads(run_cli("check", str(path), "--format", "json", "--lang", "en").stdout)
    lines = (case_body() + b"\n") * 40
    status, streamed, body = server.call("POST", "/api/v1/audit", lines, {"content-type": "application/x-ndjson"})
    assert status == 200 and len(body.splitlines()) == 40
    assert "content-length" not in streamed and streamed["transfer-encoding"] == "chunked"
    status, _, _ = server.call("POST", "/api/v1/check", b"x" * 1_000_001)
    assert status == 413


def test_a_too_large_body_gets_its_413_not_a_broken_pipe(server: Server) -> None:
    """The server reads a too large body to its end (up to 8 MB) before it answers 413: closing on unread
    data would reset the connection under a client still sending, and urllib would see a broken pipe."""
    for size in (1_000_001, 3_000_000):
        for _ in range(10):
            status, _, body = server.call("POST", "/api/v1/check", b"x" * size)
            assert status == 413 and b"larger than 1,000,000 bytes" in body


def test_several_workers_answer(server: Server) -> None:
    for _ in range(30):
        assert server.call("GET", "/healthz")[0] == 200
    children = [p for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == server.proc.pid]
    assert len(children) >= 2


def test_the_workers_share_the_connections() -> None:
    """Each worker has a listening socket of its own (SO_REUSEPORT), listening before the workers start: 16
    keep-alive connections opened as soon as the server answers are spread over both by the kernel. (On
    one socket, shared, the worker up first took them all, the other still starting, and kept them.)"""
    import http.client

    server = Server("--workers", "2", "--no-access-log")
    connections = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=30) for _ in range(16)]
    try:
        for connection in connections:  # all connected first, as a load begins; then a request on each
            connection.connect()
        for connection in connections:
            connection.request("GET", "/healthz")
            assert connection.getresponse().read() == b'{"status":"ok"}'
        held = {pid: len(_connections_of(pid, server.port)) for pid in _workers(server)}
        assert len(held) == 2 and sum(held.values()) == 16 and min(held.values()) >= 1, held
    finally:
        for connection in connections:
            connection.close()
        server.stop()


def test_a_worker_that_dies_is_replaced_and_no_second_server_joins_the_port(server: Server) -> None:
    first = _workers(server)
    os.kill(first[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (len(_workers(server)) < 2 or first[0] in _workers(server)):
        time.sleep(0.1)
    assert len(_workers(server)) == 2 and first[0] not in _workers(server)
    assert all(server.call("GET", "/healthz")[0] == 200 for _ in range(20))
    for workers in ("2", "1"):
        result = subprocess.run([sys.executable, "-m", "riskcheck", "serve", "--port", str(server.port),
                                 "--workers", workers], capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == [
            f"riskcheck: error: cannot listen on 127.0.0.1:{server.port}: Address already in use"]


def _workers(server: Server) -> list[int]:
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == server.proc.pid
                  and b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes())


def _connections_of(pid: int, port: int) -> set[str]:
    """The inodes of the established TCP connections on ``port`` that process ``pid`` holds."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                established.add(fields[9])
    held = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in established:
            held.add(target[8:-1])
    return held


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def test_the_token_guards_the_api_and_the_log_keeps_no_query_or_content() -> None:
    server = Server(env={"RISKCHECK_TOKEN": "Zq7token"})
    try:
        assert server.call("POST", "/api/v1/check?name=Zq7name", case_body())[0] == 401
        ok = server.call("POST", "/api/v1/check?name=Zq7name&lang=ja", case_body(),
                         {"authorization": "Bearer Zq7token"})
        assert ok[0] == 200
        assert server.call("GET", "/?lang=ja&q=Zq7query")[0] == 200
    finally:
        server.stop()
    log = server.stderr
    assert '"POST /api/v1/check" 401' in log and '"POST /api/v1/check" 200' in log and '"GET /" 200' in log
    assert "Zq7" not in log and "Example Systems" not in log and "lang=" not in log


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.org"])
def test_refuses_to_listen_beyond_loopback_without_a_decision(host: str) -> None:
    result = subprocess.run([sys.executable, "-m", "riskcheck", "serve", "--host", host, "--port", "1"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={k: v for k, v in os.environ.items() if k != "RISKCHECK_TOKEN"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and host in lines[0] and "--token" in lines[0] and "--allow-anonymous" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_are_loopback(host: str) -> None:
    from riskcheck.cli.serve import is_loopback

    assert is_loopback(host)
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.1")


def test_allow_anonymous_or_a_token_lets_it_listen_beyond_loopback() -> None:
    for args in (["--allow-anonymous"], ["--token", "t0ken"]):
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "riskcheck", "serve", "--host", "0.0.0.0", "--port", str(port),
                                 *args], stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):  # still starting
                    assert proc.poll() is None
                    time.sleep(0.1)
            else:
                raise AssertionError("did not start")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(15)
            proc.stderr.close() if proc.stderr else None


def test_help_lists_serve_and_its_options() -> None:
    result = run_cli("serve", "--help")
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers", "--open", "--token", "--allow-anonymous", "--batch-limit",
                   "--time-limit", "--concurrency"):
        assert option in result.stdout


def test_the_app_is_importable_for_other_process_managers() -> None:
    code = "from riskcheck.web import app; import inspect; print(callable(app))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=ROOT).stdout.strip() == "True"




def test_open_starts_the_default_browser_on_the_page(tmp_path: Path) -> None:
    """``--open`` hands the URL to the default browser (``$BROWSER`` here: a script that writes it down)."""
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys\nopen({str(opened)!r}, 'w').write(sys.argv[1])\n", encoding="utf-8")
    server = Server("--open", env={"BROWSER": f"{sys.executable} {script} %s"})
    try:
        deadline = time.monotonic() + 20
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.stop()
    assert opened.read_text(encoding="utf-8") == f"{server.url}/"
    assert f"{server.url}/" in server.stderr
