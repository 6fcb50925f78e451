#!/usr/bin/env bash
# Makes sure the PostgreSQL server the test suite uses answers, on a machine that may be new:
#   1. something already answers at 127.0.0.1:5432 → done;
#   2. a Debian cluster exists but is stopped → start it;
#   3. otherwise (installing the packages first when root and they are missing) → a throw-away trust-auth
#      cluster under .cache/postgres, listening on 127.0.0.1:5432.
# GUICHET_TEST_DATABASE_URL pointing elsewhere, or GUICHET_TEST_POSTGRES=skip, turns this script off.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "${GUICHET_TEST_POSTGRES:-}" = "skip" ] || [ -n "${GUICHET_TEST_DATABASE_URL:-}" ]; then exit 0; fi

answers() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
wait_for() { for _ in $(seq 1 30); do answers && return 0; sleep 1; done; return 1; }

answers && exit 0

if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "ensure-postgres: starting the PostgreSQL $version cluster"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  wait_for && exit 0
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-postgres: installing PostgreSQL from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || {
        echo "ensure-postgres: could not install PostgreSQL (apt-get failed)" >&2; exit 1; }
    answers && exit 0
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  else
    echo "ensure-postgres: PostgreSQL is not installed and this user cannot install it; install it (apt-get install postgresql) or set GUICHET_TEST_DATABASE_URL" >&2
    exit 1
  fi
fi

# A throw-away cluster with trust authentication, for tests only.
dir="$PWD/.cache/postgres"
mkdir -p "$dir"
run=()
if [ "$(id -u)" = "0" ]; then chown -R postgres "$dir" 2>/dev/null; run=(runuser -u postgres --); fi
if [ ! -f "$dir/data/PG_VERSION" ]; then
  "${run[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null || { echo "ensure-postgres: initdb failed" >&2; exit 1; }
fi
echo "ensure-postgres: starting a throw-away test cluster in $dir"
"${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p 5432 -k $dir" start >/dev/null || { tail -n 20 "$dir/server.log" >&2; exit 1; }
wait_for || { echo "ensure-postgres: PostgreSQL did not answer on 127.0.0.1:5432" >&2; exit 1; }
