#!/usr/bin/env bash
# Redis on $LOCAL_HOST:$LOCAL_REDIS_PORT. A Redis already answering there (the
# machine's own) is used as it is; otherwise Debian's redis-server is started
# (installed with apt-get when missing). `down` only stops a Redis this script started.
# Usage: deploy/local/redis.sh {up|down|status}
set -euo pipefail
LOCAL_SERVICE=redis
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_HOME=$LOCAL_RUN_DIR/redis
REDIS_PID=$REDIS_HOME/redis.pid
REDIS_PORTS=$REDIS_HOME/ports
REDIS_MARK=redis-server
REDIS_LOG=$(log_file redis)
REDIS_URL=redis://$LOCAL_HOST:$LOCAL_REDIS_PORT

# redis_ping: true if a Redis answers PONG (redis-cli when present, else raw RESP over /dev/tcp).
redis_ping() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ $(timeout 3 redis-cli -h "$LOCAL_HOST" -p "$LOCAL_REDIS_PORT" ping 2>/dev/null) == PONG ]]
  else
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && read -r l <&3 && [[ $l == +PONG* ]]' \
      _ "$LOCAL_HOST" "$LOCAL_REDIS_PORT" 2>/dev/null
  fi
}

install_redis() {
  command -v redis-server >/dev/null 2>&1 && return 0
  ((EUID == 0)) || die "redis-server is not installed and we are not root: apt-get install redis-server"
  log "installing Debian's redis-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends redis-server >>"$REDIS_LOG" 2>&1 || {
    apt-get update -q >>"$REDIS_LOG" 2>&1
    apt-get install -y -q --no-install-recommends redis-server >>"$REDIS_LOG" 2>&1
  } || die "apt-get install redis-server failed (see $REDIS_LOG)"
}

up() {
  local pid
  pid=$(read_pid "$REDIS_PID" "$REDIS_MARK")
  [[ -z $pid ]] || check_ports "$REDIS_PORTS" "$LOCAL_HOST" "$LOCAL_REDIS_PORT"
  if redis_ping; then
    if [[ -n $pid ]]; then
      log "already running (pid $pid, started by this script) at $REDIS_URL"
    else
      log "using the Redis already running at $REDIS_URL (not started by this script)"
    fi
    return 0
  fi
  if [[ -z $pid ]] && port_open "$LOCAL_HOST" "$LOCAL_REDIS_PORT"; then
    die "port $LOCAL_REDIS_PORT on $LOCAL_HOST is open but does not answer PING; set LOCAL_REDIS_PORT"
  fi
  if [[ -z $pid ]]; then
    ensure_dirs "$REDIS_HOME"
    install_redis
    rotate_log "$REDIS_LOG"
    log "starting redis-server on $REDIS_URL"
    redis-server --daemonize yes --bind "$LOCAL_HOST" --port "$LOCAL_REDIS_PORT" \
      --save "" --appendonly no --dir "$REDIS_HOME" --logfile "$REDIS_LOG" \
      --pidfile "$REDIS_PID" </dev/null >>"$REDIS_LOG" 2>&1 9>&- || die "redis-server failed to start (see $REDIS_LOG)"
    echo "$LOCAL_HOST $LOCAL_REDIS_PORT" >"$REDIS_PORTS"
  fi
  local deadline=$((SECONDS + 30))
  until redis_ping; do
    if ((SECONDS >= deadline)); then
      show_log_tail "$REDIS_LOG"
      die "Redis did not answer PING within 30s (log: $REDIS_LOG)"
    fi
    sleep 0.2
  done
  log "ready (pid $(read_pid "$REDIS_PID" "$REDIS_MARK")) at $REDIS_URL"
}

down() {
  if [[ -z $(read_pid "$REDIS_PID" "$REDIS_MARK") ]]; then
    rm -f "$REDIS_PID" "$REDIS_PORTS"
    if redis_ping; then
      log "the Redis at $REDIS_URL was not started by this script; leaving it running"
    else
      log "not running"
    fi
    return 0
  fi
  stop_pid "$REDIS_PID" 10 "$REDIS_MARK"
  rm -f "$REDIS_PORTS"
  log "stopped"
}

status() {
  local pid
  pid=$(read_pid "$REDIS_PID" "$REDIS_MARK")
  [[ -z $pid ]] || check_ports "$REDIS_PORTS" "$LOCAL_HOST" "$LOCAL_REDIS_PORT"
  if redis_ping; then
    if [[ -n $pid ]]; then
      echo "redis: running (pid $pid) at $REDIS_URL"
    else
      echo "redis: running (machine's own, not managed here) at $REDIS_URL"
    fi
  else
    echo "redis: stopped"
    return 3
  fi
}

case ${1:-} in
  up)
    lock_service redis
    up
    ;;
  down)
    lock_service redis
    down
    ;;
  status) status ;;
  *)
    echo "usage: $0 {up|down|status}" >&2
    exit 2
    ;;
esac
