# camtay: `make demo` runs the assistant locally on a seeded demo database, `make run` on the real one
# (DATABASE_URL, default data/), `make test` runs every test.
.PHONY: demo run test setup train check clean bench

# The demo database: a file of its own, never the real one; seeded once (`camtay demo seed` prints the admin
# login then, and refuses a database holding rows); `make clean` or deleting the file starts a fresh demo.
DEMO_DB := build/demo.sqlite3
DEMO_URL := sqlite:///$(CURDIR)/$(DEMO_DB)
DEMO_RUN := DATABASE_URL=$(DEMO_URL) TELEGRAM_BOT_TOKEN= ZALO_APP_ID= ZALO_APP_SECRET= ZALO_OA_SECRET_KEY= .venv/bin/camtay run

demo: setup train
	@mkdir -p build
	@if [ -f $(DEMO_DB) ]; then \
		echo "demo database $(DEMO_DB) kept: its admin login (demo-tinh) was printed when it was seeded;"; \
		echo "a new password: DATABASE_URL=$(DEMO_URL) .venv/bin/camtay admin set-password demo-tinh"; \
	else \
		DATABASE_URL=$(DEMO_URL) .venv/bin/camtay demo seed || { rm -f $(DEMO_DB); exit 1; }; \
	fi
	@echo "admin web: http://127.0.0.1:8080/admin/ (web chat: http://127.0.0.1:8080/), on $(DEMO_DB),"
	@echo "without Telegram or Zalo (the demo's chats are not real): $(DEMO_RUN)"
	$(DEMO_RUN)

run: setup train
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
