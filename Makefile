# camtay: `make demo` runs the assistant locally, `make test` runs every test.
.PHONY: demo test setup train check clean

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

clean:
	rm -rf build models data .pytest_cache
