#!/usr/bin/env bash
# Makes sure the local PostgreSQL answers on 127.0.0.1:5432 (the storage tests use it).
set -uo pipefail
ready() { python3 - <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PY
}
ready && exit 0
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "camtay: starting the local PostgreSQL cluster"
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  done
  for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
fi
cat >&2 <<'MSG'
camtay: PostgreSQL does not answer on 127.0.0.1:5432.
  The storage tests run on SQLite and on PostgreSQL. Install and start it, for example:
    apt-get install postgresql && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  or point CAMTAY_TEST_POSTGRES at a server (postgresql+psycopg://user@host:port/postgres).
  Outside CI the PostgreSQL tests are then skipped; in CI they fail.
MSG
exit 0
