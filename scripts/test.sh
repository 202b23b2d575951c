#!/usr/bin/env bash
# Lints (ruff), type-checks (mypy), then runs the whole test suite; pytest's "no tests collected" (exit 5) counts
# as a failure here.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/ruff check --quiet .; then
  echo "camtay: ruff found the problems above (settings in pyproject.toml); .venv/bin/ruff check --fix . mends most" >&2
  exit 1
fi
if ! .venv/bin/mypy; then
  echo "camtay: mypy found the type errors above (settings in pyproject.toml, [tool.mypy]); .venv/bin/mypy lists them again" >&2
  exit 1
fi
scripts/ensure-postgres.sh
scripts/ensure-chromium.sh
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "camtay: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
