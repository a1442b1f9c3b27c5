#!/usr/bin/env bash
# Every service the tests need: Kafka, Apicurio Registry (Confluent-compatible API), Redis.
# Usage: deploy/local/services.sh {up|down|status|env}
#   up      start what is not running (Kafka and the registry in parallel), wait until healthy
#   down    stop what these scripts started
#   status  one line per service; exit 3 if any is not running
#   env     print only the export lines for the clients
set -euo pipefail
LOCAL_SERVICE=services
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

env_lines() {
  cat <<EOF
export KAFKA_BROKERS=$LOCAL_HOST:$LOCAL_KAFKA_PORT
export SCHEMA_REGISTRY_URL=http://$LOCAL_HOST:$LOCAL_REGISTRY_PORT/apis/ccompat/v7
export REDIS_URL=redis://$LOCAL_HOST:$LOCAL_REDIS_PORT
EOF
}

status_all() {
  local rc=0 s
  for s in kafka registry redis; do
    bash "$LOCAL_SCRIPTS/$s.sh" status || rc=3
  done
  return "$rc"
}

# in_parallel ACTION SERVICE...: run "<service>.sh ACTION" for each at once; fail if any failed.
in_parallel() {
  local action=$1 s rc=0
  shift
  local -A pids=()
  for s in "$@"; do
    bash "$LOCAL_SCRIPTS/$s.sh" "$action" &
    pids[$s]=$!
  done
  for s in "$@"; do
    if ! wait "${pids[$s]}"; then
      log "$s $action failed (log: $(log_file "$s"))"
      rc=1
    fi
  done
  return "$rc"
}

case ${1:-} in
  up)
    start=$SECONDS
    ensure_dirs
    rc=0
    bash "$LOCAL_SCRIPTS/redis.sh" up || rc=1
    in_parallel up kafka registry || rc=1
    ((rc == 0)) || die "some services failed to start; logs are in $LOCAL_LOG_DIR"
    log "all services ready in $((SECONDS - start))s (logs: $LOCAL_LOG_DIR)"
    status_all
    env_lines
    ;;
  down)
    rc=0
    in_parallel down kafka registry || rc=1
    bash "$LOCAL_SCRIPTS/redis.sh" down || rc=1
    exit "$rc"
    ;;
  status)
    status_all
    ;;
  env)
    env_lines
    ;;
  *)
    echo "usage: $0 {up|down|status|env}" >&2
    exit 2
    ;;
esac
