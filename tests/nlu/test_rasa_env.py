"""The environment Rasa's processes (training, the NLU server) run in."""
from nlu.training import OPENMP_SPIN, SERVING_THREADS, rasa_env


def test_rasa_runs_with_openmp_threads_that_sleep_soon(monkeypatch):
    monkeypatch.delenv("GOMP_SPINCOUNT", raising=False)
    assert rasa_env()["GOMP_SPINCOUNT"] == OPENMP_SPIN
    monkeypatch.setenv("GOMP_SPINCOUNT", "500")  # an operator's own setting wins
    assert rasa_env()["GOMP_SPINCOUNT"] == "500"


def test_the_server_embeds_on_one_thread_and_training_on_all(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert rasa_env(serving=True)["OMP_NUM_THREADS"] == SERVING_THREADS
    assert "OMP_NUM_THREADS" not in rasa_env()
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # an operator's own setting wins
    assert rasa_env(serving=True)["OMP_NUM_THREADS"] == "2"
