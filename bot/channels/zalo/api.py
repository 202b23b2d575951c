"""HTTP calls to the Zalo OA API (messages, image upload) and OAuth (token refresh); shapes in wire.py."""
from __future__ import annotations

from pathlib import Path

import httpx

from bot.channels.zalo import wire

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class ZaloApi:
    """One app's calls. Messages are async; the refresh is sync because it runs under a DB lock in a thread."""

    def __init__(self, api_url: str, oauth_url: str, app_id: str, app_secret: str):
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self._async: httpx.AsyncClient | None = None

    @property
    def _client(self) -> httpx.AsyncClient:
        if self._async is None:  # made on first use, inside the running event loop
            self._async = httpx.AsyncClient(timeout=TIMEOUT)
        return self._async

    async def send(self, access_token: str, body: dict) -> str | None:
        """POST one customer-service message; its message id, or wire.ApiError."""
        response = await self._client.post(self.api_url + wire.CS_MESSAGE_PATH, json=body,
                                           headers={wire.ACCESS_TOKEN_HEADER: access_token})
        return wire.message_id(_json(response))

    async def upload_image(self, access_token: str, path: Path) -> str:
        """Upload a step image; its attachment id, or wire.ApiError."""
        files = {wire.UPLOAD_FIELD: (path.name, path.read_bytes(), _image_type(path))}
        response = await self._client.post(self.api_url + wire.UPLOAD_IMAGE_PATH, files=files,
                                           headers={wire.ACCESS_TOKEN_HEADER: access_token})
        return wire.attachment_id(_json(response))

    def refresh(self, refresh_token: str) -> wire.Grant:
        """Spend a refresh token for a new access token and a new refresh token."""
        with httpx.Client(timeout=TIMEOUT) as client:
            response = client.post(self.oauth_url + wire.ACCESS_TOKEN_PATH,
                                   data=wire.refresh_form(self.app_id, refresh_token),
                                   headers={wire.SECRET_KEY_HEADER: self.app_secret})
        return wire.parse_grant(_json(response))

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.aclose()
            self._async = None


def _json(response: httpx.Response) -> object:
    """Zalo answers errors with HTTP 200 and an error code in JSON; anything else is an ApiError too."""
    try:
        return response.json()
    except ValueError:
        raise wire.ApiError(-response.status_code, f"HTTP {response.status_code}, not JSON") from None


def _image_type(path: Path) -> str:
    return {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}.get(
        path.suffix.lower(), "application/octet-stream")
