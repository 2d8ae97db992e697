#!/usr/bin/env bash
# Redis on 127.0.0.1:6379 for the hub's several-process mode (issue 14: socket.io across processes and
# kiosk presence, HUB_REDIS_URL): the test command runs the cluster tests against it. Installs Debian's
# redis-server when absent (through ensure-system.sh, which keeps packages from starting daemons), and
# starts it when installed but stopped, with the command this machine documents: loopback only, no
# persistence (the hub keeps nothing in Redis that outlives a lease). Idempotent.
set -euo pipefail

REDIS_PORT=6379

if ! command -v redis-server >/dev/null 2>&1; then
  bash "$(dirname "$0")/ensure-system.sh" redis-server
fi

ping_redis() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
  else
    # No client installed: a TCP connection answered by a PING reply is enough.
    exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    local reply
    read -r -t 2 reply <&3 || true
    exec 3>&-
    [[ $reply == +PONG* ]]
  fi
}

if ! ping_redis; then
  echo "Starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do
    ping_redis && break
    sleep 0.1
  done
fi
ping_redis || { echo "Redis did not come up on 127.0.0.1:$REDIS_PORT" >&2; exit 1; }
