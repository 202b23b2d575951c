"""The environment Rasa's processes (training, the NLU server) run in."""
from nlu.training import OPENMP_SPIN, rasa_env


def test_rasa_runs_with_openmp_threads_that_sleep_soon(monkeypatch):
    monkeypatch.delenv("GOMP_SPINCOUNT", raising=False)
    assert rasa_env()["GOMP_SPINCOUNT"] == OPENMP_SPIN
    monkeypatch.setenv("GOMP_SPINCOUNT", "500")  # an operator's own setting wins
    assert rasa_env()["GOMP_SPINCOUNT"] == "500"
