#!/usr/bin/env bash
# Starts `prism mock SPEC` on a free loopback port, waits until it listens, and fails if Prism
# reports any error while loading the document.
set -euo pipefail
cd "$(dirname "$0")/.."
spec="${1:-spec/planasonix.yaml}"
PRISM="${PRISM:-target/tools/node/node_modules/.bin/prism}"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
"$PRISM" mock "$spec" -h 127.0.0.1 -p "$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
  if grep -q "Prism is listening" "$log"; then break; fi
  if ! kill -0 $pid 2>/dev/null; then break; fi
  sleep 0.5
done
if ! grep -q "Prism is listening" "$log" || grep -Eqi '\[(error|fatal)\]|✖|error:' "$log"; then
  echo "Prism failed to load $spec:" >&2
  cat "$log" >&2
  exit 1
fi
echo "Prism loaded $spec ($(grep -c '\[CLI\].*GET\|POST\|PUT\|PATCH\|DELETE' "$log" || true) routes)" >&2
