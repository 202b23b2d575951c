"""The classifier's own scoring (nlu.rasa_components._LinearScores) gives Rasa's probabilities, faster.

Run inside .venv-rasa: a classifier is trained on messages with Rasa's own feature objects (two sparse
sentence features, one dense, and sequence features it must ignore), then every message is scored both
ways: the same ranking and the same confidences, to rounding.
"""
import subprocess
import textwrap

import pytest

from bot.settings import ROOT

pytestmark = pytest.mark.nlu

CHECK = textwrap.dedent('''
    import sys, tempfile
    from pathlib import Path
    import numpy as np
    import scipy.sparse
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from nlu.rasa_components import TunedLogisticRegressionClassifier

    rng = np.random.default_rng(7)

    def message(intent):
        m = Message(data={"text": "x", "intent": intent})
        for origin, width in (("words", 40), ("chars", 25)):
            row = scipy.sparse.random(1, width, density=0.2, random_state=rng, format="coo") * 3
            m.add_features(Features(row, "sentence", "text", origin))
            m.add_features(Features(scipy.sparse.random(3, width, density=0.2, random_state=rng, format="coo"),
                                    "sequence", "text", origin))
        m.add_features(Features(rng.normal(size=(1, 8)).astype(np.float32), "sentence", "text", "e5"))
        return m

    intents = ["a", "b", "c", "d"]
    train = [message(intents[i % 4]) for i in range(80)]
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    config = {**TunedLogisticRegressionClassifier.get_default_config(), "C": 100.0, "class_weight": None}
    clf = TunedLogisticRegressionClassifier.create(config, storage, Resource("lr"), ExecutionContext({}, "lr"))
    clf.train(TrainingData(train))

    fresh = [message("a") for _ in range(30)]
    ours = clf.process([Message(data=dict(m.data), features=list(m.features)) for m in fresh])
    rasas = LogisticRegressionClassifier.process(clf, fresh)
    for a, b in zip(ours, rasas):
        assert [r["name"] for r in a.get("intent_ranking")] == [r["name"] for r in b.get("intent_ranking")]
        assert a.get("intent")["name"] == b.get("intent")["name"]
        for r, s in zip(a.get("intent_ranking"), b.get("intent_ranking")):
            assert abs(r["confidence"] - s["confidence"]) < 1e-9, (r, s)
    print("same", len(fresh))
''')


def test_the_classifier_scores_as_rasa_does():
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", CHECK], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "same 30" in done.stdout

