"""Names shared by the training data and the dialogue: conversation intents, topic intents."""
from __future__ import annotations

GREET = "greet"
THANKS = "thanks"
BYE = "bye"
NEXT_STEP = "next_step"
REPEAT_STEP = "repeat_step"
PREVIOUS_STEP = "previous_step"
STOP_TUTORIAL = "stop_tutorial"
RESUME_TUTORIAL = "resume_tutorial"
ASK_HUMAN = "ask_human"
AFFIRM = "affirm"
DENY = "deny"
MENU = "menu"
# A citizen says in their own words whether a finished tutorial worked ("kích hoạt được rồi", "vẫn chưa được");
# inside a tutorial in progress they mean the step is done, or that they are stuck at it.
TELL_DONE = "tell_done"
TELL_NOT_DONE = "tell_not_done"
OUT_OF_SCOPE = "out_of_scope"
NLU_FALLBACK = "nlu_fallback"
REJECTING = (OUT_OF_SCOPE, NLU_FALLBACK)

TOPIC_PREFIX = "topic_"
# A public procedure the catalog has no tutorial for yet (content/procedures.yml).
PROCEDURE_PREFIX = "procedure_"


def topic_intent(topic_id: str) -> str:
    """vneid-register -> topic_vneid_register (Rasa intent names avoid '-')."""
    return TOPIC_PREFIX + topic_id.replace("-", "_")


def procedure_intent(procedure_id: str) -> str:
    """passport -> procedure_passport."""
    return PROCEDURE_PREFIX + procedure_id.replace("-", "_")


def topic_of_intent(intent: str | None, topic_ids) -> str | None:
    if not intent or not intent.startswith(TOPIC_PREFIX):
        return None
    return next((t for t in topic_ids if topic_intent(t) == intent), None)
