#!/usr/bin/env bash
# Makes sure the Redis server the scale-out test uses answers at 127.0.0.1:6379, on a machine that may be new:
#   1. something already answers → done;
#   2. otherwise (installing Debian's redis-server first when root and it is missing) → start a throw-away,
#      memory-only server on 127.0.0.1:6379.
# GUICHET_TEST_REDIS_URL pointing elsewhere, or GUICHET_TEST_REDIS=skip, turns this script off.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "${GUICHET_TEST_REDIS:-}" = "skip" ] || [ -n "${GUICHET_TEST_REDIS_URL:-}" ]; then exit 0; fi

answers() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]
  else
    (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null
  fi
}
wait_for() { for _ in $(seq 1 30); do answers && return 0; sleep 1; done; return 1; }

answers && exit 0

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-redis: installing Redis from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || {
        echo "ensure-redis: could not install Redis (apt-get failed)" >&2; exit 1; }
    # The package may have started its own service already.
    wait_for && exit 0
  else
    echo "ensure-redis: Redis is not installed and this user cannot install it; install it (apt-get install redis-server) or set GUICHET_TEST_REDIS_URL" >&2
    exit 1
  fi
fi

echo "ensure-redis: starting a throw-away Redis on 127.0.0.1:6379 (no persistence)"
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || {
  echo "ensure-redis: redis-server did not start" >&2; exit 1; }
wait_for || { echo "ensure-redis: Redis did not answer on 127.0.0.1:6379" >&2; exit 1; }
