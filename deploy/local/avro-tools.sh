#!/usr/bin/env bash
# Apache Avro's command-line tools (org.apache.avro:avro-tools from Maven Central,
# cached in $LOCAL_CACHE_DIR/avro-tools). All arguments go to avro-tools, e.g.:
#   deploy/local/avro-tools.sh fragtojson --schema-file schema.avsc body.bin
set -euo pipefail
LOCAL_SERVICE=avro-tools
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${LOCAL_AVRO_TOOLS_VERSION:=1.12.0}"
jar=$LOCAL_CACHE_DIR/avro-tools/avro-tools-$LOCAL_AVRO_TOOLS_VERSION.jar

if [[ ! -s $jar ]]; then
  ensure_dirs "$LOCAL_CACHE_DIR/avro-tools"
  log "fetching org.apache.avro:avro-tools:$LOCAL_AVRO_TOOLS_VERSION from Maven Central"
  tmp=$LOCAL_CACHE_DIR/avro-tools/.tmp.$$
  rm -rf "$tmp"
  mvn_run dependency:copy -Dartifact="org.apache.avro:avro-tools:$LOCAL_AVRO_TOOLS_VERSION" -DoutputDirectory="$tmp" ||
    die "maven could not fetch org.apache.avro:avro-tools:$LOCAL_AVRO_TOOLS_VERSION"
  mv -f "$tmp/avro-tools-$LOCAL_AVRO_TOOLS_VERSION.jar" "$jar"
  rm -rf "$tmp"
fi

java=$(select_java 11 default) || die "avro-tools needs Java >= 11"
exec "$java" -jar "$jar" "$@"
