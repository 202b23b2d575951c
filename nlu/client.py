"""The async client of the Rasa NLU server (`POST /model/parse`), with a timeout and a parse cache."""
from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from bot.shared.net import NO_DELAY
from nlu.cache import LruCache
from nlu.normalizer import normalize


class NluUnavailable(Exception):
    """Rasa could not be reached or answered badly; the dialogue degrades kindly."""


@dataclass(frozen=True)
class Understanding:
    intent: str | None
    confidence: float
    ranking: list[tuple[str, float]] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)


class NluClient:
    """Parses through Rasa; answers are cached by normalized text ("Tiếp!!" and "tiếp" share one).

    The model sees only the normalized text (nlu.rasa_components.VietnameseNormalizer), so equal
    keys get equal answers. cache_size=0 turns the cache off; cache_ttl bounds how long an answer
    outlives a retrained model.
    """

    def __init__(self, url: str, token: str | None = None, timeout: float = 3.0,
                 transport: httpx.AsyncBaseTransport | None = None, cache_size: int = 1024,
                 cache_ttl: float = 600.0):
        self.url = url.rstrip("/")
        self.token = token
        self._client = httpx.AsyncClient(timeout=timeout,
                                         transport=transport or httpx.AsyncHTTPTransport(socket_options=NO_DELAY))
        self.cache: LruCache[Understanding] = LruCache(cache_size, cache_ttl)

    async def parse(self, text: str) -> Understanding:
        key = normalize(text)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        understanding = await self._parse(text)
        self.cache.put(key, understanding)
        return understanding

    async def _parse(self, text: str) -> Understanding:
        params = {"token": self.token} if self.token else None
        try:
            response = await self._client.post(f"{self.url}/model/parse", params=params,
                                               json={"text": text})
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise NluUnavailable(f"{type(exc).__name__}: {exc}") from exc
        intent = data.get("intent") or {}
        ranking = [(r.get("name"), float(r.get("confidence") or 0.0))
                   for r in data.get("intent_ranking") or [] if r.get("name")]
        return Understanding(intent=intent.get("name"), confidence=float(intent.get("confidence") or 0.0),
                             ranking=ranking, entities=list(data.get("entities") or []))

    async def ready(self) -> bool:
        """True when the server answers and has a model loaded."""
        params = {"token": self.token} if self.token else None
        try:
            response = await self._client.get(f"{self.url}/status", params=params)
            return response.status_code == 200 and bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    async def aclose(self) -> None:
        await self._client.aclose()
