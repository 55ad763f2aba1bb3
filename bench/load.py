"""Load test against a real server: gunicorn worker processes (as in production, docs/operations.md)
serving the benchmark database, and N virtual users, each a thread with its own logged-in session.

Two regimes are measured for each page:
- "saturation": every user fires its next request as soon as the previous answer arrives (no think time),
  so N requests are always in flight: the worst case, N people clicking at the very same moment, forever;
- "paced": every user waits a random 0.5-1.5 s between requests (an operator reads a page for far longer
  than that; this is still several times the load of N real people).

Latency is measured by the client from sending the request to reading the whole answer."""

from __future__ import annotations

import http.client
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PACED_THINK_S = (0.5, 1.5)


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, math.ceil(len(sorted_values) * share) - 1)]


class Server:
    """gunicorn with `workers` sync worker processes on a free port, production-like settings."""

    def __init__(self, env: dict, workers: int):
        self.workers = workers
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        self.env = {
            **env,
            "DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "DB_CONN_MAX_AGE": "600",  # persistent connections, as recommended for production
            "DJANGO_SETTINGS_MODULE": "interazioni.settings",
        }
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "interazioni.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"{HOST}:{self.port}",
                "--backlog",
                "256",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def get(self, path: str, cookie: str) -> tuple[int, float]:
        began = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request("GET", path, headers={"Cookie": cookie, "Host": HOST})
            response = connection.getresponse()
            response.read()
            status = response.status
        finally:
            connection.close()
        return status, (time.perf_counter() - began) * 1000


def session_cookie(user) -> str:
    """A logged-in session for `user` stored in the database the server reads (like a browser login)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def run_load(
    server: Server,
    cookies: list[str],
    urls: list[str],
    repeat: int,
    think: tuple[float, float] | None,
    seed=1,
) -> dict:
    """len(cookies) virtual users, each making `repeat` requests cycling through `urls`."""
    users = len(cookies)
    timings: list[float] = []
    errors: list[tuple[str, int | str]] = []
    lock = threading.Lock()
    start = threading.Barrier(users)

    def user_loop(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        local, failed = [], []
        start.wait()
        if think:
            time.sleep(rng.uniform(0, think[1]))  # users do not all start on the same tick
        for n in range(repeat):
            url = urls[(index * repeat + n) % len(urls)]
            try:
                status, elapsed = server.get(url, cookies[index])
            except Exception as exc:  # counted and reported; the run goes on
                status, elapsed = type(exc).__name__, float("nan")
            if status == 200:
                local.append(elapsed)
            else:
                failed.append((url, status))
            if think:
                time.sleep(rng.uniform(*think))
        with lock:
            timings.extend(local)
            errors.extend(failed)

    threads = [threading.Thread(target=user_loop, args=(i,)) for i in range(users)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    timings.sort()
    if not timings:
        return {"requests": 0, "errors": len(errors), "first_errors": errors[:3]}
    return {
        "requests": len(timings) + len(errors),
        "errors": len(errors),
        "first_errors": errors[:3],
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(timings[-1], 1),
        "throughput_rps": round((len(timings) + len(errors)) / wall, 1),
    }


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
