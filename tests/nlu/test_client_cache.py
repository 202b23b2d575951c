"""The NLU client's parse cache: keyed by normalized text, bounded, aged, never caching failures."""
import json

import httpx
import pytest

from nlu.cache import LruCache
from nlu.client import NluClient, NluUnavailable


def _rasa(calls: list[str], status: int = 200):
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(json.loads(request.content)["text"])
        if status != 200:
            return httpx.Response(status)
        return httpx.Response(200, json={"intent": {"name": "next_step", "confidence": 0.97},
                                         "intent_ranking": [{"name": "next_step", "confidence": 0.97}]})
    return httpx.MockTransport(handler)


@pytest.fixture
def calls():
    return []


async def _client(calls, **kwargs) -> NluClient:
    return NluClient("http://rasa.test", transport=_rasa(calls), **kwargs)


async def test_the_same_message_is_parsed_once(calls):
    client = await _client(calls)
    first = await client.parse("tiếp")
    second = await client.parse("tiếp")
    assert first == second and first.intent == "next_step"
    assert len(calls) == 1 and (client.cache.hits, client.cache.misses) == (1, 1)
    await client.aclose()


@pytest.mark.parametrize("other", ["Tiếp!!!", "  tiếp  ", "TIẾP 👍", "tiếp..."])
async def test_messages_that_normalize_alike_share_an_entry(calls, other):
    client = await _client(calls)
    await client.parse("tiếp")
    await client.parse(other)
    assert len(calls) == 1
    await client.aclose()


async def test_different_messages_are_parsed_separately(calls):
    client = await _client(calls)
    await client.parse("tiếp")
    await client.parse("tiep")  # without diacritics the model may answer differently
    assert len(calls) == 2
    await client.aclose()


async def test_the_cache_is_bounded_and_forgets_the_least_recently_used(calls):
    client = await _client(calls, cache_size=2)
    for text in ("tiếp", "xong", "tiếp", "ok", "tiếp", "xong"):
        await client.parse(text)
    # "xong" was the least recently used when "ok" came in; "tiếp", used again, stayed.
    assert calls == ["tiếp", "xong", "ok", "xong"]
    assert len(client.cache) == 2
    await client.aclose()


async def test_size_zero_turns_the_cache_off(calls):
    client = await _client(calls, cache_size=0)
    for _ in range(3):
        await client.parse("dạ")
    assert len(calls) == 3 and len(client.cache) == 0
    await client.aclose()


async def test_failures_are_not_cached():
    calls = []
    client = NluClient("http://rasa.test", transport=_rasa(calls, status=503))
    for _ in range(2):
        with pytest.raises(NluUnavailable):
            await client.parse("tiếp")
    assert len(calls) == 2
    await client.aclose()


def test_entries_expire_after_their_age_limit():
    now = [0.0]
    cache = LruCache(size=10, ttl=60, clock=lambda: now[0])
    cache.put("tiếp", "answer")
    now[0] = 59
    assert cache.get("tiếp") == "answer"
    now[0] = 61
    assert cache.get("tiếp") is None and len(cache) == 0
