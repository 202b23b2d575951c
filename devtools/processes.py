"""The processes a benchmark runs: the fake Bot API, `camtay run` workers; their memory from /proc."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.settings import ROOT
from devtools.fake_telegram import TOKEN
from nlu.server import free_port

WEBHOOK_URL = "https://camtay.bench/telegram/webhook"  # registered with the fake, never contacted
SECRET = "bench-webhook-secret"
LOG_DIR = ROOT / "build" / "bench"


def rss_mib(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of one process in MiB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (Rasa may fork), in MiB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            total += rss_mib(current)[0]
        except OSError:
            continue
        stack.extend(children.get(current, []))
    return total


def terminate(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM, and SIGKILL if the process has not ended within timeout seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class FakeProcess:
    """`python -m devtools.fake_telegram` in its own process."""

    def __init__(self):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self._log = open(LOG_DIR / "fake-telegram.log", "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "devtools.fake_telegram"], cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=self._log)
        info = json.loads(self.process.stdout.readline() or b"{}")
        if "url" not in info:
            self.stop()
            raise RuntimeError(f"the fake Bot API did not start; see {LOG_DIR / 'fake-telegram.log'}")
        self.url, self.stream_port = info["url"], info["stream"]

    def stop(self) -> None:
        terminate(self.process, timeout=15)
        self._log.close()

    def __enter__(self) -> "FakeProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def worker_env(database_url: str, port: int, telegram_api_url: str | None, nlu_url: str | None,
               nlu_token: str | None) -> dict[str, str]:
    """A clean environment for `camtay run`: nothing from a developer's .env or shell leaks in."""
    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE")}
    env.update(DATABASE_URL=database_url, HOST="127.0.0.1", PORT=str(port), NLU_URL=nlu_url or "",
               NLU_TOKEN=nlu_token or "", PYTHONUNBUFFERED="1")
    if telegram_api_url:
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=telegram_api_url,
                   TELEGRAM_WEBHOOK_URL=WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET=SECRET)
    return env


@dataclass
class Started:
    web_ready: float  # seconds from exec to /healthz answering
    nlu_ready: float | None  # ... to /healthz reporting NLU ready (None: not waited for)


class Worker:
    """One `camtay run` process."""

    def __init__(self, database_url: str, telegram_api_url: str | None = None, nlu_url: str | None = None,
                 nlu_token: str | None = None, name: str = "worker", port: int | None = None,
                 command: list[str] | None = None):
        """`command`: another program to run in its place with the same environment (devtools/floor_bot.py)."""
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.command = command or [str(Path(sys.executable).parent / "camtay"), "run"]
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = LOG_DIR / f"{name}.log"
        self.env = worker_env(database_url, self.port, telegram_api_url, nlu_url, nlu_token)
        self.process: subprocess.Popen | None = None

    def start(self, wait_nlu: bool = False, timeout: float = 240.0) -> Started:
        with open(self.log_path, "ab") as log:
            began = time.monotonic()
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)
        web_ready = nlu_ready = None
        with httpx.Client(timeout=2) as client:
            while time.monotonic() - began < timeout:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.command[-1]} exited with {self.process.returncode}; see {self.log_path}")
                try:
                    health = client.get(f"{self.url}/healthz").json()
                except (httpx.HTTPError, ValueError):
                    time.sleep(0.02)
                    continue
                web_ready = web_ready or time.monotonic() - began
                if not wait_nlu:
                    break
                if health.get("nlu"):
                    nlu_ready = time.monotonic() - began
                    break
                time.sleep(0.05)
        if web_ready is None:
            self.stop()
            raise RuntimeError(f"camtay run was not ready within {timeout:.0f} s; see {self.log_path}")
        return Started(web_ready, nlu_ready)  # nlu_ready None: Rasa was not ready within the timeout

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, as when the machine or the OOM killer ends it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process, timeout=30)

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
