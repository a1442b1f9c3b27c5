#!/usr/bin/env bash
# Apicurio Registry (Quarkus, H2 file storage) from Maven Central, serving the
# Confluent-compatible API at http://$LOCAL_HOST:$LOCAL_REGISTRY_PORT/apis/ccompat/v7.
# Apicurio 3.x needs Java >= 21; without one, Apicurio 2.6 runs on Java 17.
# Usage: deploy/local/registry.sh {up|down|status|fetch}
# Extra JVM/-D options can be passed in LOCAL_REGISTRY_JAVA_OPTS.
set -euo pipefail
LOCAL_SERVICE=registry
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REG_HOME=$LOCAL_RUN_DIR/registry
REG_PID=$REG_HOME/registry.pid
REG_PORTS=$REG_HOME/ports
# Our registry's command line contains its database path (guards against reused pids).
REG_MARK=$REG_HOME/data/registry
REG_LOG=$(log_file registry)
REG_BASE=http://$LOCAL_HOST:$LOCAL_REGISTRY_PORT
REG_CCOMPAT=$REG_BASE/apis/ccompat/v7

# Decide version and java once: 3.x on the newest Java >= 21, else 2.x on Java >= 17.
choose_runtime() {
  if REG_JAVA=$(select_java 21 newest); then
    REG_VERSION=$LOCAL_REGISTRY_VERSION
    REG_NOTE="Apicurio Registry $REG_VERSION on $REG_JAVA"
  elif REG_JAVA=$(select_java 17 default); then
    REG_VERSION=$LOCAL_REGISTRY_FALLBACK_VERSION
    REG_NOTE="no Java >= 21 found (JAVA_HOME, PATH, $LOCAL_JVM_DIR): falling back to Apicurio Registry $REG_VERSION on $REG_JAVA"
    log "$REG_NOTE"
  else
    die "Apicurio Registry needs Java >= 17 (>= 21 for $LOCAL_REGISTRY_VERSION); none found"
  fi
  REG_DIST=$LOCAL_CACHE_DIR/registry/apicurio-registry-app-$REG_VERSION
}

fetch() {
  [[ -f $REG_DIST/.complete ]] && return 0
  local artifact=io.apicurio:apicurio-registry-app:$REG_VERSION:tar.gz:all tmp
  ensure_dirs "$LOCAL_CACHE_DIR/registry"
  tmp=$LOCAL_CACHE_DIR/registry/.tmp.$$
  rm -rf "$tmp"
  mkdir -p "$tmp/dist"
  log "fetching $artifact from Maven Central"
  mvn_run dependency:copy -Dartifact="$artifact" -DoutputDirectory="$tmp" -Dmdep.overWriteReleases=true ||
    die "maven could not fetch $artifact"
  tar -xzf "$tmp"/apicurio-registry-app-*.tar.gz -C "$tmp/dist" || die "could not extract $artifact"
  touch "$tmp/dist/.complete"
  rm -rf "$REG_DIST"
  mv "$tmp/dist" "$REG_DIST"
  rm -rf "$tmp"
}

# The command line for the chosen major version (property names differ).
launch_args() {
  local db=$REG_HOME/data/registry
  REG_ARGS=(-Xms128m -Xmx512m -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    -Dquarkus.http.host="$LOCAL_HOST" -Dquarkus.http.port="$LOCAL_REGISTRY_PORT"
    -Dquarkus.management.host="$LOCAL_HOST" -Dquarkus.management.port="$LOCAL_REGISTRY_MGMT_PORT")
  if [[ $REG_VERSION == 2.* ]]; then
    REG_ARGS+=(-Dquarkus.datasource.jdbc.url="jdbc:h2:file:$db"
      -Dregistry.rest.artifact.deletion.enabled=true)
  else
    REG_ARGS+=(-Dapicurio.datasource.url="jdbc:h2:file:$db"
      -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2
      -Dapicurio.datasource.jdbc.max-size=20
      -Dapicurio.rest.deletion.group.enabled=true
      -Dapicurio.rest.deletion.artifact.enabled=true
      -Dapicurio.rest.deletion.artifact-version.enabled=true
      -Dapicurio.storage.snapshot.location="$REG_HOME/tmp" -Dapicurio.import.work-dir="$REG_HOME/tmp")
  fi
  # shellcheck disable=SC2206 # word splitting of user-supplied options is intended
  REG_ARGS+=(${LOCAL_REGISTRY_JAVA_OPTS:-})
  if [[ -f $REG_DIST/quarkus-run.jar ]]; then
    REG_ARGS+=(-jar "$REG_DIST/quarkus-run.jar")
  else
    REG_ARGS+=(-jar "$(ls "$REG_DIST"/apicurio-registry-app-*-runner.jar)")
  fi
}

up() {
  local pid
  pid=$(read_pid "$REG_PID" "$REG_MARK")
  [[ -z $pid ]] || check_ports "$REG_PORTS" "$LOCAL_HOST" "$LOCAL_REGISTRY_PORT" "$LOCAL_REGISTRY_MGMT_PORT"
  if [[ -n $pid ]] && port_open "$LOCAL_HOST" "$LOCAL_REGISTRY_PORT"; then
    log "already running (pid $pid) at $REG_CCOMPAT"
    return 0
  fi
  if [[ -n $pid ]]; then
    log "pid $pid is alive but port $LOCAL_REGISTRY_PORT is not open yet; waiting"
  else
    if ports_taken "$LOCAL_HOST" "$LOCAL_REGISTRY_PORT" "$LOCAL_REGISTRY_MGMT_PORT"; then
      die "port $LOCAL_REGISTRY_PORT or $LOCAL_REGISTRY_MGMT_PORT on $LOCAL_HOST is taken by a process this script did not start; set LOCAL_REGISTRY_PORT / LOCAL_REGISTRY_MGMT_PORT"
    fi
    choose_runtime
    fetch
    ensure_dirs "$REG_HOME/tmp"
    # The H2 database layout differs between major versions: keep one per version.
    if [[ -f $REG_HOME/registry.version && $(cat "$REG_HOME/registry.version") != "$REG_VERSION" ]]; then
      log "stored schemas come from Apicurio $(cat "$REG_HOME/registry.version"); starting with an empty database"
      rm -rf "$REG_HOME/data"
    fi
    mkdir -p "$REG_HOME/data"
    printf '%s\n' "$REG_VERSION" >"$REG_HOME/registry.version"
    rotate_log "$REG_LOG"
    printf '[deploy/local/registry.sh] %s\n' "$REG_NOTE" >>"$REG_LOG"
    launch_args
    log "starting Apicurio Registry $REG_VERSION ($REG_JAVA) on $REG_BASE, management port $LOCAL_REGISTRY_MGMT_PORT"
    # Run from the data folder: Quarkus resolves relative paths against the working directory.
    (cd "$REG_HOME" && start_bg "$REG_PID" "$REG_LOG" "$REG_JAVA" "${REG_ARGS[@]}")
    pid=$(cat "$REG_PID")
    echo "$LOCAL_HOST $LOCAL_REGISTRY_PORT $LOCAL_REGISTRY_MGMT_PORT" >"$REG_PORTS"
  fi
  if ! wait_for_http "$REG_CCOMPAT/subjects" "$LOCAL_START_TIMEOUT" "$pid" 200; then
    show_log_tail "$REG_LOG"
    stop_pid "$REG_PID" 10 "$REG_MARK"
    die "Apicurio Registry did not become ready (log: $REG_LOG)"
  fi
  log "ready (pid $pid) at $REG_CCOMPAT"
}

down() {
  stop_service "$REG_PID" "$REG_MARK" "$REG_PORTS"
}

status() {
  report_status registry "$REG_PID" "$REG_MARK" "$LOCAL_REGISTRY_PORT" "$REG_CCOMPAT"
}

case ${1:-} in
  up)
    lock_service registry
    up
    ;;
  down)
    lock_service registry
    down
    ;;
  status) status ;;
  fetch)
    choose_runtime
    fetch
    ;;
  *)
    echo "usage: $0 {up|down|status|fetch}" >&2
    exit 2
    ;;
esac
