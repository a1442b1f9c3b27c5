# shellcheck shell=bash
# Shared helpers for deploy/local/*.sh. Source it; do not run it.
#
# Everything is configured through LOCAL_* environment variables:
#   LOCAL_CACHE_DIR   downloads (jars, tarballs), default <repo>/.cache
#   LOCAL_RUN_DIR     data folders and pid files, default <repo>/.run
#                     logs go to $LOCAL_RUN_DIR/logs/<service>.log
#   LOCAL_HOST        address every service binds to, default 127.0.0.1
#   LOCAL_KAFKA_PORT (9092)  LOCAL_KAFKA_CONTROLLER_PORT (9093)
#   LOCAL_REGISTRY_PORT (8081)  LOCAL_REGISTRY_MGMT_PORT (8091)
#   LOCAL_REDIS_PORT (6379)
#   LOCAL_KAFKA_VERSION (4.4.0)  LOCAL_REGISTRY_VERSION (3.3.3)
#   LOCAL_START_TIMEOUT   seconds to wait for a service to become healthy (180)
#   LOCAL_STOP_TIMEOUT    seconds to wait after SIGTERM before SIGKILL (30)
#   LOCAL_JVM_DIR         where to look for more JDKs (/usr/lib/jvm)

LOCAL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOCAL_SCRIPTS=$LOCAL_ROOT/deploy/local

: "${LOCAL_CACHE_DIR:=$LOCAL_ROOT/.cache}"
: "${LOCAL_RUN_DIR:=$LOCAL_ROOT/.run}"
: "${LOCAL_HOST:=127.0.0.1}"
: "${LOCAL_KAFKA_PORT:=9092}"
: "${LOCAL_KAFKA_CONTROLLER_PORT:=9093}"
: "${LOCAL_REGISTRY_PORT:=8081}"
: "${LOCAL_REGISTRY_MGMT_PORT:=8091}"
: "${LOCAL_REDIS_PORT:=6379}"
: "${LOCAL_KAFKA_VERSION:=4.4.0}"
: "${LOCAL_REGISTRY_VERSION:=3.3.3}"
: "${LOCAL_REGISTRY_FALLBACK_VERSION:=2.6.13.Final}"
: "${LOCAL_START_TIMEOUT:=180}"
: "${LOCAL_STOP_TIMEOUT:=30}"
: "${LOCAL_JVM_DIR:=/usr/lib/jvm}"
LOCAL_LOG_DIR=$LOCAL_RUN_DIR/logs
export LOCAL_CACHE_DIR LOCAL_RUN_DIR LOCAL_HOST LOCAL_KAFKA_PORT LOCAL_KAFKA_CONTROLLER_PORT \
  LOCAL_REGISTRY_PORT LOCAL_REGISTRY_MGMT_PORT LOCAL_REDIS_PORT LOCAL_KAFKA_VERSION \
  LOCAL_REGISTRY_VERSION LOCAL_REGISTRY_FALLBACK_VERSION LOCAL_START_TIMEOUT LOCAL_STOP_TIMEOUT \
  LOCAL_JVM_DIR

# Name shown in log lines; each script sets it.
LOCAL_SERVICE=${LOCAL_SERVICE:-local}

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "$LOCAL_SERVICE" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

ensure_dirs() { mkdir -p "$LOCAL_CACHE_DIR" "$LOCAL_RUN_DIR" "$LOCAL_LOG_DIR" "$@"; }

# log_file SERVICE -> path of the service's log file.
log_file() { printf '%s/%s.log\n' "$LOCAL_LOG_DIR" "$1"; }

# rotate_log FILE: keep the previous run's log as FILE.prev.
rotate_log() {
  if [[ -s $1 ]]; then mv -f "$1" "$1.prev"; fi
  : >"$1"
}

# show_log_tail FILE [N]: print the last lines of a log to stderr (used on failures).
show_log_tail() {
  [[ -f $1 ]] || return 0
  log "last lines of $1:"
  tail -n "${2:-40}" "$1" | sed 's/^/    /' >&2
}

# ---- ports and HTTP ------------------------------------------------------

# port_open HOST PORT: true if something accepts TCP connections there.
port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# ports_taken HOST PORT...: true if any PORT stays open for 5s (a server that
# was just killed may hold its sockets for a moment while it exits).
ports_taken() {
  local host=$1 port deadline=$((SECONDS + 5))
  shift
  while :; do
    local open=0
    for port in "$@"; do
      if port_open "$host" "$port"; then open=1; fi
    done
    ((open)) || return 1
    ((SECONDS < deadline)) || return 0
    sleep 0.3
  done
}

# wait_for_port HOST PORT TIMEOUT [PID]: wait until HOST:PORT accepts connections.
# Gives up early if PID (the server) dies.
wait_for_port() {
  local host=$1 port=$2 timeout=$3 pid=${4:-} deadline=$((SECONDS + $3))
  until port_open "$host" "$port"; do
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      log "process $pid exited while waiting for $host:$port"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout}s waiting for $host:$port"
      return 1
    fi
    sleep 0.3
  done
}

# wait_for_http URL TIMEOUT [PID] [EXPECTED_STATUS=200]: wait until URL answers EXPECTED_STATUS.
wait_for_http() {
  local url=$1 timeout=$2 pid=${3:-} want=${4:-200} deadline=$((SECONDS + $2)) code
  while :; do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$url" 2>/dev/null) || true
    [[ $code == "$want" ]] && return 0
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      log "process $pid exited while waiting for $url"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout}s waiting for $url (last HTTP status: ${code:-none})"
      return 1
    fi
    sleep 0.5
  done
}

# ---- processes and pid files ----------------------------------------------

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
  if [[ -z ${1:-} ]] || ! kill -0 "$1" 2>/dev/null; then return 1; fi
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# read_pid PIDFILE [CMDLINE_MARK] -> the pid on stdout if the file names a live
# process (whose command line contains CMDLINE_MARK, when given), else nothing.
# The mark guards against a stale pid file naming a reused pid.
read_pid() {
  local pid
  [[ -f $1 ]] || return 0
  pid=$(tr -dc '0-9' <"$1")
  pid_alive "$pid" || return 0
  if [[ -n ${2:-} ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"; then
    return 0
  fi
  printf '%s\n' "$pid"
}

# start_bg PIDFILE LOGFILE CMD...: run CMD detached (own session, no stdin,
# output appended to LOGFILE) and write its pid to PIDFILE. The pid written is
# the server's own (exec), so signals reach it directly.
start_bg() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  # setsid may fork, so let the child record its own pid before exec'ing the
  # server. fd 9 is lock_service's lock: the server must not inherit it.
  # shellcheck disable=SC2016
  nohup setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" "$@" \
    </dev/null >>"$logfile" 2>&1 9>&- &
  local i
  for i in $(seq 1 50); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "could not start: $*"
}

# stop_pid PIDFILE [TIMEOUT] [CMDLINE_MARK]: SIGTERM the process, wait, then
# SIGKILL. Removes PIDFILE.
stop_pid() {
  local pidfile=$1 timeout=${2:-$LOCAL_STOP_TIMEOUT} pid deadline
  pid=$(read_pid "$pidfile" "${3:-}")
  if [[ -z $pid ]]; then
    rm -f "$pidfile"
    return 0
  fi
  log "stopping pid $pid (SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.3; done
  if pid_alive "$pid"; then
    log "pid $pid still alive after ${timeout}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
}

# check_ports STATEFILE PORT...: a running service keeps the ports it was
# started with; fail if the LOCAL_*_PORT settings now say otherwise.
check_ports() {
  local file=$1
  shift
  if [[ -f $file && $(cat "$file") != "$*" ]]; then
    die "already running with ports $(cat "$file"), but the settings now say $*; run '$0 down' first"
  fi
}

# lock_service NAME: hold an exclusive lock for the rest of the calling script,
# so that two concurrent `up`/`down` runs of one service do not race.
lock_service() {
  ensure_dirs
  exec 9>"$LOCAL_RUN_DIR/.$1.lock"
  if ! flock -w "$LOCAL_START_TIMEOUT" 9; then
    die "another deploy/local script holds $LOCAL_RUN_DIR/.$1.lock"
  fi
}

# ---- Java and Maven ---------------------------------------------------------

# java_major JAVA_BIN -> major version (17, 21, 25...) or nothing.
java_major() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  [[ $v == 1.* ]] && v=${v#1.}
  [[ $v =~ ^[0-9]+$ ]] && printf '%s\n' "$v"
}

# select_java MIN [newest|default]: print the path of a java binary whose major
# version is >= MIN. Candidates, in order: $JAVA_HOME, the java on PATH, every
# JDK under $LOCAL_JVM_DIR. 'default' takes the first that qualifies; 'newest'
# takes $JAVA_HOME if it qualifies, else the highest version found.
# Returns 1 when none qualifies.
select_java() {
  local min=$1 mode=${2:-default} cand major best='' best_major=0
  local -a cands=()
  [[ -n ${JAVA_HOME:-} && -x ${JAVA_HOME:-}/bin/java ]] && cands+=("$JAVA_HOME/bin/java")
  if command -v java >/dev/null 2>&1; then cands+=("$(readlink -f "$(command -v java)")"); fi
  for cand in "$LOCAL_JVM_DIR"/*/bin/java; do
    [[ -x $cand ]] && cands+=("$cand")
  done
  for cand in "${cands[@]}"; do
    major=$(java_major "$cand") || continue
    ((major >= min)) || continue
    if [[ $mode == default || $cand == "${JAVA_HOME:-/nonexistent}/bin/java" ]]; then
      printf '%s\n' "$cand"
      return 0
    fi
    if ((major > best_major)); then
      best=$cand
      best_major=$major
    fi
  done
  [[ -n $best ]] || return 1
  printf '%s\n' "$best"
}

# mvn_run ARGS...: Maven in batch mode from a folder with no pom. Its output
# goes to $LOCAL_RUN_DIR/logs/<service>-fetch.log and is shown only on failure.
mvn_run() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found (install Debian's maven package)"
  ensure_dirs
  local out
  out=$(log_file "$LOCAL_SERVICE-fetch")
  if ! (cd "$LOCAL_CACHE_DIR" && mvn -B -ntp -Dstyle.color=never "$@") >"$out" 2>&1; then
    grep -E '\[(ERROR|WARNING)\]' "$out" | head -n 20 >&2 || true
    return 1
  fi
}

# stop_service PIDFILE MARK PORTSFILE: stops the service if these scripts started it.
stop_service() {
  local pidfile=$1 mark=$2 portsfile=$3
  if [[ -z $(read_pid "$pidfile" "$mark") ]]; then
    rm -f "$pidfile" "$portsfile"
    log "not running"
    return 0
  fi
  stop_pid "$pidfile" "$LOCAL_STOP_TIMEOUT" "$mark"
  rm -f "$portsfile"
  log "stopped"
}

# report_status NAME PIDFILE MARK PORT ADDRESS: one line; exit 3 unless running and listening.
report_status() {
  local name=$1 pid
  pid=$(read_pid "$2" "$3")
  if [[ -n $pid ]] && port_open "$LOCAL_HOST" "$4"; then
    echo "$name: running (pid $pid) at $5"
  elif [[ -n $pid ]]; then
    echo "$name: starting (pid $pid), port $4 not open yet"
    return 3
  else
    echo "$name: stopped"
    return 3
  fi
}
