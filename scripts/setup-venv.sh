#!/usr/bin/env bash
# Creates or updates one virtual environment from its lock file.
# Usage: scripts/setup-venv.sh bot|rasa   (make calls it only when the lock changed)
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:?usage: setup-venv.sh bot|rasa}"
if [ "$which" = rasa ]; then venv=.venv-rasa; lock=requirements/rasa.lock; else venv=.venv; lock=requirements/bot.lock; fi

python=$(scripts/find-python.sh "$which")
if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  echo "camtay: $venv is broken; recreating it" >&2
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "camtay: creating $venv with $python"
  "$python" -m venv "$venv"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/python" -m pip install --quiet --upgrade 'pip>=24' 'setuptools>=68,<70' wheel
echo "camtay: installing $lock into $venv (this takes a few minutes the first time)"
"$venv/bin/python" -m pip install --quiet -r "$lock"
if [ "$which" = bot ]; then
  "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
fi
touch "$venv/.installed"
