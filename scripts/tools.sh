#!/usr/bin/env bash
# Installs the external tools the test suite needs into target/tools (no global installs):
#   - Prism mock server (npm, pinned)          -> target/tools/node/node_modules/.bin/prism
#   - openapi-spec-validator (PyPI, pinned)    -> target/tools/venv/bin/openapi-spec-validator
# Idempotent: a second run only checks that the pinned versions are present.
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM_VERSION="5.16.0"
VALIDATOR_VERSION="0.9.0"
TOOLS="$PWD/target/tools"
mkdir -p "$TOOLS/node"

if [ "$(cat "$TOOLS/node/.prism-version" 2>/dev/null)" != "$PRISM_VERSION" ]; then
  echo "tools: installing @stoplight/prism-cli@$PRISM_VERSION" >&2
  (cd "$TOOLS/node" && [ -f package.json ] || echo '{"private":true}' > package.json)
  npm install --prefix "$TOOLS/node" --no-audit --no-fund --loglevel=error \
    "@stoplight/prism-cli@$PRISM_VERSION" >&2
  echo "$PRISM_VERSION" > "$TOOLS/node/.prism-version"
fi

if [ "$(cat "$TOOLS/venv/.validator-version" 2>/dev/null)" != "$VALIDATOR_VERSION" ]; then
  echo "tools: installing openapi-spec-validator==$VALIDATOR_VERSION" >&2
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check \
    "openapi-spec-validator==$VALIDATOR_VERSION" >&2
  echo "$VALIDATOR_VERSION" > "$TOOLS/venv/.validator-version"
fi

echo "PRISM=$TOOLS/node/node_modules/.bin/prism"
echo "OPENAPI_SPEC_VALIDATOR=$TOOLS/venv/bin/openapi-spec-validator"
