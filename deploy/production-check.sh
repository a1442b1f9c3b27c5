#!/usr/bin/env bash
# The documented production install, in a clean copy of the committed tree:
#   npm ci && npm run build && npm prune --omit=dev
# then `simak start` must serve the dashboard and move mentions with no dev dependency installed.
# Run by .ci/run after the tests (it downloads the packages again: about a minute).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
pid=""
# The started process is stopped and awaited before its folder goes (it writes there until it exits).
trap '[[ -n "$pid" ]] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$work" || true' EXIT

git -C "$root" archive HEAD | tar -x -C "$work"
cd "$work"
npm ci --no-audit --no-fund
npm run build
npm prune --omit=dev --no-audit --no-fund
for tool in tsx vite typescript vitest @biomejs/biome; do
  if [[ -e "node_modules/$tool" ]]; then echo "production-check: dev dependency $tool still installed" >&2; exit 1; fi
done

port=$((20000 + RANDOM % 20000))
SIMAK_HTTP_PORT="$port" SIMAK_LOG_FORMAT=json node bin/simak.js start >"$work/start.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -Eq '^simak_events_out_total\{stage="sink",target="tagged_mentions"\} [1-9]'; then
    curl -fsS "http://127.0.0.1:$port/dashboard/" | grep -q '<script type="module"' \
      || { echo "production-check: /dashboard/ does not serve the built page" >&2; exit 1; }
    echo "production-check: simak start serves the dashboard and stores mentions without dev dependencies"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
echo "production-check: simak start did not store mentions within 120 s; its log:" >&2
cat "$work/start.log" >&2
exit 1
