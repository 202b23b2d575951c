"""A lean HTTP/1.1 keep-alive client for the load generator (httpx costs more CPU than the bot's turn)."""
from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit


class HttpError(Exception):
    pass


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise HttpError("connection closed")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            data = bytearray()
            while (size := int((await self.reader.readline()).split(b";")[0], 16)) > 0:
                data += await self.reader.readexactly(size + 2)
                del data[-2:]
            await self.reader.readline()
            payload = bytes(data)
        else:
            payload = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, payload

    @property
    def closed(self) -> bool:
        return self.writer.is_closing()

    def close(self) -> None:
        self.writer.close()


class HttpClient:
    """POST JSON to one server over a pool of keep-alive connections."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None, connections: int = 64,
                 timeout: float = 30.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.timeout = timeout
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(connections)

    async def post_json(self, path: str, data: object) -> tuple[int, bytes]:
        body = json.dumps(data, ensure_ascii=False).encode()
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.headers}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        async with self._slots:
            connection = self._idle.pop() if self._idle else None
            if connection is not None and not connection.closed:
                try:
                    return await self._send(connection, head, body)
                except (HttpError, ConnectionError):
                    pass  # the server closed the idle connection: send again on a new one
            connection = _Connection(*await asyncio.open_connection(self.host, self.port))
            return await self._send(connection, head, body)

    async def _send(self, connection: _Connection, head: bytes, body: bytes) -> tuple[int, bytes]:
        try:
            result = await asyncio.wait_for(connection.request(head, body), self.timeout)
        except BaseException:
            connection.close()
            raise
        if not connection.closed:
            self._idle.append(connection)
        return result

    async def aclose(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()
