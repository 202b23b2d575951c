#!/usr/bin/env bash
# Prints the path of a Python interpreter of the wanted series, or explains what to install.
# Usage: scripts/find-python.sh bot|rasa
set -euo pipefail
want="${1:?usage: find-python.sh bot|rasa}"

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true; }

candidates=()
if [ "$want" = rasa ]; then
  [ -n "${RASA_PYTHON:-}" ] && candidates+=("$RASA_PYTHON")
  candidates+=(python3.10)
  for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10.*; do [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python"); done
  accept='^3\.10$'
else
  [ -n "${BOT_PYTHON:-}" ] && candidates+=("$BOT_PYTHON")
  candidates+=(python3.11 python3.12 python3.13 python3)
  for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[1-3].*; do [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python"); done
  accept='^3\.1[1-3]$'
fi

for candidate in "${candidates[@]}"; do
  path=$(command -v "$candidate" 2>/dev/null || true)
  [ -n "$path" ] || continue
  if [[ "$(version_of "$path")" =~ $accept ]] && "$path" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done

if [ "$want" = rasa ]; then
  cat >&2 <<'MSG'
camtay: Python 3.10 (with venv) is needed for Rasa 3.6, and none was found.
  Looked at $RASA_PYTHON, python3.10 on PATH, and ~/.pyenv/versions/3.10.*.
  Install it, for example:  pyenv install 3.10.13   (or: apt-get install python3.10 python3.10-venv)
  or point RASA_PYTHON at an existing python3.10 binary.
MSG
else
  cat >&2 <<'MSG'
camtay: Python 3.11, 3.12 or 3.13 (with venv) is needed for the bot, and none was found.
  Looked at $BOT_PYTHON, python3.11/3.12/3.13/python3 on PATH, and ~/.pyenv/versions/3.1[1-3].*.
  Install one (for example: apt-get install python3 python3-venv) or set BOT_PYTHON.
MSG
fi
exit 1
