"""Start a local Rasa NLU server (`rasa run --enable-api`) on loopback with a token; stop it on exit."""
from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from nlu.training import ROOT, rasa_env, rasa_executable


class NluServerError(Exception):
    pass


def _die_with_parent() -> None:
    """In the child: ask Linux to stop Rasa when the process that started it dies, even by SIGKILL."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RasaServer:
    """A Rasa process serving one model; use as a context manager (sync or async)."""

    def __init__(self, model: Path, rasa_venv: Path, port: int | None = None,
                 token: str | None = None, log_file: Path | None = None, startup_timeout: float = 180):
        self.model = model
        self.rasa_venv = rasa_venv
        self.port = port or free_port()
        self.token = token or secrets.token_hex(24)  # hex: never starts with "-", which argparse would take for an option
        self.log_file = log_file or ROOT / "build" / "rasa-server.log"
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self._stopped = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "RasaServer":
        if self._stopped:
            raise NluServerError("the server was stopped before it started")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        command = [str(rasa_executable(self.rasa_venv)), "run", "--enable-api",
                   "--model", str(self.model), "--interface", "127.0.0.1", "--port", str(self.port),
                   "--auth-token", self.token]
        with open(self.log_file, "ab") as log:
            self.process = process = subprocess.Popen(command, cwd=ROOT, env=rasa_env(serving=True), stdout=log,
                                                      stderr=subprocess.STDOUT, start_new_session=True,
                                                      preexec_fn=_die_with_parent)
        self._wait_ready(process)
        return self

    def _wait_ready(self, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise NluServerError(f"Rasa exited with code {process.returncode}; see {self.log_file}")
            try:
                response = httpx.get(f"{self.url}/status", params={"token": self.token}, timeout=2)
                if response.status_code == 200 and response.json().get("model_file"):
                    self._warm_up()
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        self.stop()
        raise NluServerError(f"Rasa did not answer within {self.startup_timeout:.0f} s; see {self.log_file}")

    def _warm_up(self) -> None:
        """The first parse builds TensorFlow's graph (seconds); pay that here, not on a citizen's message."""
        try:
            httpx.post(f"{self.url}/model/parse", params={"token": self.token}, json={"text": "xin chào"},
                       timeout=60)
        except httpx.HTTPError:
            pass

    def stop(self) -> None:
        self._stopped = True
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def __enter__(self) -> "RasaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    async def __aenter__(self) -> "RasaServer":
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc) -> None:
        await asyncio.to_thread(self.stop)
