"""A Starlette app served by uvicorn in a thread on a free local port: how the fake APIs run."""
from __future__ import annotations

import socket
import threading
import time

import uvicorn


class ServedApp:
    """Starts serving at once; `url` is where; `stop()` asks uvicorn to finish and waits for it."""

    def __init__(self, app, name: str, **config):
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and without it
        # every answer on a kept-alive connection waits ~40 ms for the client's delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))  # a free port, held until uvicorn takes the socket over
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", loop="asyncio",
                                                    access_log=False, timeout_graceful_shutdown=2, **config))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"{name} did not start")
            time.sleep(0.01)

    def stop(self) -> bool:
        """Whether the server thread ended in time."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        return not self.thread.is_alive()
