"""The real Rasa model, trained once per run, parsed through our async client and `camtay ask`."""
import json
import os
import subprocess
import sys

import pytest

from bot.settings import ROOT
from nlu import intents
from nlu.client import NluClient, NluUnavailable
from nlu.server import free_port
from nlu.training import prepare, train

pytestmark = pytest.mark.nlu


@pytest.fixture
async def client(rasa_server):
    client = NluClient(rasa_server.url, rasa_server.token, timeout=10)
    yield client
    await client.aclose()


@pytest.mark.parametrize("text, intent", [
    ("lam sao cai vneid", intents.topic_intent("vneid-register")),
    ("cách cài ứng dụng VNeID", intents.topic_intent("vneid-register")),
    ("kích hoạt định danh mức 2", intents.topic_intent("vneid-level2")),
    ("dong tien dien tren dien thoai", intents.topic_intent("pay-electricity")),
    ("vneid là gì", intents.topic_intent("faq-vneid-what")),
    ("tổ công nghệ số cộng đồng là ai", intents.topic_intent("faq-community-tech-team")),
    ("tiếp", intents.NEXT_STEP),
    ("xin chào", intents.GREET),
    ("cảm ơn cháu", intents.THANKS),
    ("gọi người hỗ trợ giúp tôi", intents.ASK_HUMAN),
])
async def test_questions_are_understood(client, text, intent):
    understanding = await client.parse(text)
    assert understanding.intent == intent, understanding
    assert understanding.confidence > 0.5


@pytest.mark.parametrize("text, intent", [
    # Said after a tutorial: it worked, or not yet (none of these is a training example as written).
    ("kích hoạt được rồi cháu ạ", intents.TELL_DONE),
    ("kich hoat dc roi nha", intents.TELL_DONE),
    ("vào được app rồi nhé", intents.TELL_DONE),
    ("đăng nhập vneid được rồi", intents.TELL_DONE),
    ("bác làm được rồi nhé", intents.TELL_DONE),
    ("vẫn chưa được cháu ơi", intents.TELL_NOT_DONE),
    # The short words of a step stay next_step (inside a tutorial both lead to the next step).
    ("xong rồi", intents.NEXT_STEP),
    ("xong", intents.NEXT_STEP),
    ("rồi", intents.NEXT_STEP),
    ("tiếp đi", intents.NEXT_STEP),
])
async def test_it_worked_is_told_apart_from_a_step_done(client, text, intent):
    understanding = await client.parse(text)
    assert understanding.intent == intent, understanding


@pytest.mark.parametrize("text", ["kích hoạt mức 2 thế nào", "tài khoản mức 2 của tôi được duyệt chưa",
                                  "duyet roi kich hoat vneid o dau"])
async def test_asking_how_is_not_saying_it_worked(client, text):
    understanding = await client.parse(text)
    assert understanding.intent != intents.TELL_DONE, understanding


async def test_out_of_catalog_question_does_not_start_a_tutorial(client):
    understanding = await client.parse("thời tiết ngày mai thế nào")
    assert understanding.intent in (intents.OUT_OF_SCOPE, intents.NLU_FALLBACK)


async def test_a_wrong_token_is_refused(rasa_server):
    client = NluClient(rasa_server.url, "wrong-token", timeout=5)
    with pytest.raises(NluUnavailable):
        await client.parse("xin chào")
    await client.aclose()


async def test_an_unreachable_server_is_reported_quickly():
    client = NluClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    with pytest.raises(NluUnavailable):
        await client.parse("xin chào")
    await client.aclose()


def test_training_is_skipped_when_nothing_changed(rasa_model, catalog, tmp_path):
    model, trained = train(catalog, rasa_model.parent, ROOT / ".venv-rasa", tmp_path)
    assert (model, trained) == (rasa_model, False)


def test_fingerprint_follows_the_examples(catalog, tmp_path):
    before = prepare(catalog, tmp_path).fingerprint
    topic = catalog["pay-electricity"]
    changed = type(catalog)(dict(catalog.topics))
    changed.topics[topic.id] = topic.model_copy(update={"examples": topic.examples + ["tien dien thang nay"]})
    assert prepare(changed, tmp_path).fingerprint != before
    assert prepare(catalog, tmp_path).fingerprint == before


def camtay_ask_json(rasa_server, questions: str) -> list[dict]:
    env = dict(os.environ, NLU_URL=rasa_server.url, NLU_TOKEN=rasa_server.token)
    result = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json"], cwd=ROOT, env=env,
                            input=questions, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_camtay_ask_json(rasa_server):
    rows = camtay_ask_json(rasa_server, "lam sao cai vneid\n\nthời tiết hôm nay\n")
    assert [r["text"] for r in rows] == ["lam sao cai vneid", "thời tiết hôm nay"]
    assert rows[0]["topic"] == "vneid-register" and rows[0]["kind"] == "tutorial"
    assert rows[1]["topic"] is None
    assert all({"intent", "confidence"} <= set(r) for r in rows)


def test_camtay_ask_json_names_a_procedure_with_no_tutorial(rasa_server):
    rows = camtay_ask_json(rasa_server, "làm hộ chiếu ở đâu vậy\nnop phat nguoi tren mang\n")
    assert [(r["topic"], r["kind"], r["intent"], r["procedure"]) for r in rows] == [
        (None, None, "procedure_passport", "passport"),
        (None, None, "procedure_traffic_fines", "traffic-fines"),
    ]


def test_fingerprint_follows_the_procedures(catalog, tmp_path):
    before = prepare(catalog, tmp_path).fingerprint
    changed = type(catalog)(dict(catalog.topics), dict(catalog.procedures))
    passport = changed.procedures["passport"]
    changed.procedures["passport"] = passport.model_copy(update={"examples": passport.examples + ["ho chieu moi"]})
    assert prepare(changed, tmp_path).fingerprint != before
