#!/usr/bin/env bash
# Runs the whole test suite; pytest's "no tests collected" (exit 5) counts as a failure here.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-postgres.sh
scripts/ensure-chromium.sh
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "camtay: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
