"""The environment Rasa's processes (training, the NLU server) run in."""
import pytest

from nlu import server
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


def test_the_nlu_server_is_started_in_the_serving_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    started = {}

    class Exited:
        returncode = 1

        def poll(self):
            return 1

    def popen(command, env, **kwargs):
        started["env"] = env
        return Exited()

    monkeypatch.setattr(server.subprocess, "Popen", popen)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "rasa").touch()  # never run: Popen is the double above
    with pytest.raises(server.NluServerError):
        server.RasaServer(tmp_path / "model.tar.gz", tmp_path, log_file=tmp_path / "rasa.log").start()
    assert started["env"]["OMP_NUM_THREADS"] == SERVING_THREADS
