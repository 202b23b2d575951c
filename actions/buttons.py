"""Button rows shared by several actions; payloads are namespaced and short (<= 64 bytes)."""
from __future__ import annotations

from bot.shared.payloads import Human, Menu, RatingButton, RunButton, TopicButton
from bot.shared.types import Button
from bot.storage.progress import TutorialRun
from content.loader import Catalog

HUMAN = Button("human", Human().pack())
MENU = Button("menu", Menu().pack())


def topic_button(catalog: Catalog, topic_id: str) -> Button:
    return Button("topic", TopicButton(topic_id).pack(), {"title": catalog[topic_id].title})


def topic_rows(catalog: Catalog, topic_ids: list[str]) -> tuple[tuple[Button, ...], ...]:
    return tuple((topic_button(catalog, t),) for t in topic_ids if t in catalog.topics)


def menu_rows(catalog: Catalog, topic_ids: list[str]) -> tuple[tuple[Button, ...], ...]:
    """The likely topics, one per row, then the offer of a person."""
    return topic_rows(catalog, topic_ids) + ((HUMAN,),)


def run_button(verb: str, run: TutorialRun) -> Button:
    """A button under the run's current step; its label is its verb."""
    return Button(verb, RunButton(verb, run.id, run.step_index).pack())


def resume_button(run: TutorialRun) -> Button:
    return run_button("resume", run)


def step_rows(run: TutorialRun) -> tuple[tuple[Button, ...], ...]:
    return (
        (run_button("next", run),),
        (run_button("back", run), run_button("repeat", run)),
        (run_button("stuck", run), run_button("stop", run)),
    )


def resume_rows(run: TutorialRun) -> tuple[tuple[Button, ...], ...]:
    return ((resume_button(run),), (run_button("restart", run), MENU))


def rate_rows(topic_id: str) -> tuple[tuple[Button, ...], ...]:
    """👍 / 👎 under an answer or a tutorial's end."""
    return ((Button("rate_up", RatingButton("up", topic_id).pack()),
             Button("rate_down", RatingButton("down", topic_id).pack())),)
