"""Button rows shared by several actions; payloads are namespaced and short (<= 64 bytes)."""
from __future__ import annotations

from bot.shared.types import Button
from bot.storage.models import TutorialRun
from content.loader import Catalog

HUMAN = Button("human", "human")
MENU = Button("menu", "menu")
CHOOSE_PREFIX = "choose:"  # choose:<topic id>, the citizen's pick when asked which of two topics


def topic_button(catalog: Catalog, topic_id: str) -> Button:
    return Button("topic", f"topic:{topic_id}", {"title": catalog[topic_id].title})


def topic_rows(catalog: Catalog, topic_ids: list[str]) -> tuple[tuple[Button, ...], ...]:
    return tuple((topic_button(catalog, t),) for t in topic_ids if t in catalog.topics)


def menu_rows(catalog: Catalog, topic_ids: list[str]) -> tuple[tuple[Button, ...], ...]:
    """The likely topics, one per row, then the offer of a person."""
    return topic_rows(catalog, topic_ids) + ((HUMAN,),)


def step_rows(run: TutorialRun) -> tuple[tuple[Button, ...], ...]:
    key = f"{run.id}:{run.step_index}"
    return (
        (Button("next", f"tutorial:next:{key}"),),
        (Button("back", f"tutorial:back:{key}"), Button("repeat", f"tutorial:repeat:{key}")),
        (Button("stuck", f"tutorial:stuck:{key}"), Button("stop", f"tutorial:stop:{key}")),
    )


def resume_rows(run: TutorialRun) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button("resume", f"tutorial:resume:{run.id}:{run.step_index}"),),
        (Button("restart", f"tutorial:restart:{run.id}:{run.step_index}"), MENU),
    )
