#!/usr/bin/env bash
# Synthesize one side (base or head) of a pull request for each environment, from the current
# folder (that side's checkout). Output goes to <root>/<side>-<env>/; a failure leaves
# <root>/<side>-<env>.error.log instead, for tools/pr-review.ts to report. Never fails itself:
# a head that does not synthesize must still produce a comment that says so.
# Usage: synth-side.sh <base|head> <root> <env>...
set -uo pipefail
side="$1"
root="$2"
shift 2
case "$side" in base | head) ;; *) echo "side must be base or head" >&2; exit 64 ;; esac
mkdir -p "$root"
for env in "$@"; do
  out="$root/$side-$env"
  rm -rf "$out" "$out.error.log"
  if ! COLOSSUS_ENV="$env" CDKTF_OUTDIR="$out" npx tsx main.ts >"$out.log" 2>&1; then
    mv "$out.log" "$out.error.log"
    rm -rf "$out"
    echo "$side $env: synth failed (first lines follow)"
    head -n 5 "$out.error.log"
  else
    rm -f "$out.log"
    echo "$side $env: synthesized"
  fi
done
