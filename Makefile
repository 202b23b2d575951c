# camtay: `make demo` runs the assistant locally, `make test` runs every test.
.PHONY: demo test setup train check clean bench

demo: setup train
	.venv/bin/camtay run

test: setup
	scripts/test.sh

setup: .venv/.installed .venv-rasa/.installed

.venv/.installed: pyproject.toml requirements/bot.lock scripts/setup-venv.sh
	scripts/setup-venv.sh bot

.venv-rasa/.installed: requirements/rasa.lock scripts/setup-venv.sh
	scripts/setup-venv.sh rasa

train: setup
	.venv/bin/camtay train

check: setup
	.venv/bin/camtay content check

# Latency, throughput, memory, cold start and the 1,000-citizen load test; writes docs/BENCHMARKS.md.
bench: setup
	scripts/ensure-postgres.sh && .venv/bin/python -m bench.run

clean:
	rm -rf build models data .pytest_cache
