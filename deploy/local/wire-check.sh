#!/usr/bin/env bash
# Shows that clients we did not write can read our topics: consumes one message
# with kcat, checks the Confluent wire format (0x00 magic + 4-byte big-endian
# schema id + Avro binary body), fetches the writer schema with curl, and
# decodes the body with Apache avro-tools.
#
# Usage: deploy/local/wire-check.sh BOOTSTRAP REGISTRY_URL TOPIC [PARTITION=0] [OFFSET=beginning]
#   REGISTRY_URL is the Confluent-compatible base, e.g. http://127.0.0.1:8081/apis/ccompat/v7
#   OFFSET is anything kcat -o takes: a number, beginning, end-relative -N, s@timestamp.
# The decoded JSON is printed to stdout, last; diagnostics go to stderr.
# Set WIRE_CHECK_KEEP=DIR to keep the message, schema and body files in DIR.
set -euo pipefail
LOCAL_SERVICE=wire-check
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if (($# < 3 || $# > 5)); then
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
bootstrap=$1
registry=${2%/}
topic=$3
partition=${4:-0}
offset=${5:-beginning}

if [[ -n ${WIRE_CHECK_KEEP:-} ]]; then
  work=$WIRE_CHECK_KEEP
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

if ! command -v kcat >/dev/null 2>&1; then
  ((EUID == 0)) || die "kcat is not installed (apt-get install kcat)"
  log "installing Debian's kcat"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends kcat >"$work/apt.log" 2>&1 || {
    apt-get update -q >>"$work/apt.log" 2>&1
    apt-get install -y -q --no-install-recommends kcat >>"$work/apt.log" 2>&1
  } || die "apt-get install kcat failed: $(tail -n 3 "$work/apt.log")"
fi

# 1. One message, raw. The format puts "<payload length> <offset>" on a first
#    text line, then the payload bytes exactly as stored (no delimiter).
log "consuming $topic[$partition] at offset $offset from $bootstrap with kcat"
if ! timeout 60 kcat -C -q -b "$bootstrap" -t "$topic" -p "$partition" -o "$offset" -c 1 -e \
  -f '%S %o\n%s' >"$work/message.raw" 2>"$work/kcat.err"; then
  die "kcat failed: $(tr '\n' ' ' <"$work/kcat.err")"
fi
[[ -s $work/message.raw ]] || die "no message in $topic[$partition] at offset $offset"
read -r length msg_offset <"$work/message.raw" || true
[[ $length =~ ^-?[0-9]+$ ]] || die "unexpected kcat output: $(head -c 80 "$work/message.raw" | tr -dc '[:print:]')"
((length >= 0)) || die "message at offset $msg_offset has a NULL value (tombstone)"
header_len=$((${#length} + 1 + ${#msg_offset} + 1))
tail -c +$((header_len + 1)) "$work/message.raw" >"$work/message.bin"
actual=$(stat -c %s "$work/message.bin")
((actual == length)) || die "kcat reported $length payload bytes but wrote $actual: the bytes were altered"
log "offset $msg_offset: $length bytes, first bytes: $(od -An -tx1 -N16 "$work/message.bin" | tr -s ' ')"

# 2. Confluent wire-format header.
((length >= 5)) || die "message is $length bytes, shorter than the 5-byte wire-format header"
read -r -a head5 <<<"$(od -An -tu1 -N5 "$work/message.bin")"
((head5[0] == 0)) || die "bad magic byte 0x$(printf '%02x' "${head5[0]}") (expected 0x00): not Confluent wire format"
schema_id=$(((head5[1] << 24) | (head5[2] << 16) | (head5[3] << 8) | head5[4]))
log "magic byte 0x00 ok, schema id $schema_id"

# 3. The writer schema, over plain HTTP.
code=$(curl -sS -o "$work/schema.json" -w '%{http_code}' "$registry/schemas/ids/$schema_id") ||
  die "registry $registry unreachable"
[[ $code == 200 ]] || die "schema id $schema_id not found: GET $registry/schemas/ids/$schema_id -> HTTP $code $(head -c 300 "$work/schema.json")"
node -e '
  const fs = require("fs");
  const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  if (r.schemaType && r.schemaType !== "AVRO") { console.error(`schema ${process.argv[3]} is ${r.schemaType}, not AVRO`); process.exit(3); }
  if (typeof r.schema !== "string") { console.error("registry answer has no \"schema\" string"); process.exit(3); }
  if (Array.isArray(r.references) && r.references.length) console.error(`warning: schema has ${r.references.length} reference(s); avro-tools only sees this schema`);
  fs.writeFileSync(process.argv[2], r.schema);
' "$work/schema.json" "$work/schema.avsc" "$schema_id" || die "could not read an Avro schema from the registry answer"
log "schema $schema_id: $(head -c 200 "$work/schema.avsc")"

# 4. The Avro body after the 5-byte header, decoded by avro-tools.
tail -c +6 "$work/message.bin" >"$work/body.bin"
if ! "$LOCAL_SCRIPTS/avro-tools.sh" fragtojson --schema-file "$work/schema.avsc" "$work/body.bin" \
  >"$work/decoded.json" 2>"$work/avro-tools.err"; then
  grep -v NativeCodeLoader "$work/avro-tools.err" | head -n 6 >&2
  die "avro-tools could not decode the body with schema $schema_id"
fi
[[ -s $work/decoded.json ]] || die "avro-tools printed nothing (see $work/avro-tools.err)"

# 5. Re-encode: the canonical encoding of what was decoded must be the body
#    itself, or the body had trailing bytes / was written with another schema.
if "$LOCAL_SCRIPTS/avro-tools.sh" jsontofrag --schema-file "$work/schema.avsc" "$work/decoded.json" \
  >"$work/reencoded.bin" 2>>"$work/avro-tools.err" && cmp -s "$work/body.bin" "$work/reencoded.bin"; then
  log "decoded ok; re-encoding gives the same $((length - 5)) body bytes"
else
  log "warning: decoded, but re-encoding does not give the same bytes ($((length - 5)) in the body, $(stat -c %s "$work/reencoded.bin" 2>/dev/null || echo '?') re-encoded)"
fi
cat "$work/decoded.json"
