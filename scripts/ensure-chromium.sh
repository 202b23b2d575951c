#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed (the browser tests drive it headless with Playwright).
set -uo pipefail
for candidate in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "camtay: installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    && [ -x /usr/bin/chromium ] && exit 0
fi
cat >&2 <<'MSG'
camtay: Chromium was not found and could not be installed.
  The browser tests need it: apt-get install chromium   (or set CHROMIUM=/path/to/chromium).
  Outside CI the browser tests are then skipped; in CI they fail.
MSG
exit 0
