"""What the hostile tests draw from: JSON of any shape, and real bodies with a few values replaced or removed;
the two fuzz tests every webhook parser gets."""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def json_values(text: int = 30, size: int = 3, leaves: int = 8) -> st.SearchStrategy:
    """Any JSON value: strings up to `text` characters, lists and objects up to `size` items, `leaves` scalars."""
    scalars = (st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats(allow_nan=False)
               | st.text(max_size=text))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=size)
                        | st.dictionaries(st.text(max_size=12), inner, max_size=size), max_leaves=leaves)


JSON = json_values()


def paths(value, prefix=()):
    """Every path to a value inside nested dicts and lists."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, prefix + (index,))


@st.composite
def mutated(draw, samples: list, most: int):
    """One of `samples` (real bodies) with 1 to `most` values anywhere inside replaced by other JSON, or removed."""
    body = copy.deepcopy(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(1, most))):
        inside = list(paths(body))[1:]
        if not inside:
            break
        where = draw(st.sampled_from(inside))
        parent = body
        for part in where[:-1]:
            parent = parent[part]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent[where[-1]] = draw(JSON)
    return body


def parser_fuzz_tests(samples: list, most: int, check: Callable[[Any], object], bodies: st.SearchStrategy = JSON,
                      examples: int = 300) -> tuple[Callable[[], None], Callable[[], None]]:
    """A parser's two fuzz tests, to bind to `test_*` names: `check` the real `samples` with 1 to `most` values
    replaced or removed, and then any of `bodies`."""
    fuzz = settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])

    @fuzz
    @given(mutated(samples, most=most))
    def mutated_bodies(body) -> None:
        check(body)

    @fuzz
    @given(bodies)
    def arbitrary_bodies(body) -> None:
        check(body)

    return mutated_bodies, arbitrary_bodies
