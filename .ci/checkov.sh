#!/usr/bin/env bash
# Cross-check of the compliance pack (policy/) with checkov, an independent scanner, over
# both forms of every stack of an environment (prod in CI):
#   1. the synthesized Terraform JSON (stacks/<stack>/cdk.tf.json), and
#   2. the plan JSON (plans/<stack>.json): cdktf writes each IAM policy as a JSON string, which
#      checkov's IAM checks (CKV_AWS_286-290, 355) answer UNKNOWN for and drop; in a plan the
#      policy is parsed, so those checks run.
# Usage: .ci/checkov.sh [<plan output folder>]  (default cdktf.out.plan-<env>, written by
# `npm run plan -- <env>`, which CI runs first; this script never synthesizes again).
# Any failed check fails, unless .ci/checkov/skip-list names its id AND the resource
# (<stack>/<address>, glob) with a reason true of that resource. Needs python3.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-checkov"
requirements="$root/.ci/checkov/requirements.txt"
skip_list="$root/.ci/checkov/skip-list"
environment="${CHECKOV_ENV:-prod}"
dir="$(cd "${1:-$root/cdktf.out.plan-$environment}" 2>/dev/null && pwd)" || {
  echo "checkov: no plan output folder; run 'npm run plan -- $environment' first" >&2
  exit 1
}
if [ ! -d "$dir/stacks" ] || ! ls "$dir"/plans/*.json >/dev/null 2>&1; then
  echo "checkov: $dir has no stacks/ or plans/*.json; run 'npm run plan -- $environment' first" >&2
  exit 1
fi

# A virtualenv under the project, rebuilt when the pinned requirements change.
if [ ! -x "$venv/bin/checkov" ] || ! cmp -s "$requirements" "$venv/.requirements"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/.requirements"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
plans=()
# The plan scan is the long one (989 s for prod's 68 plans in one process, against 378 s for the
# synthesized scan): it is split in two halves, dealt out largest first so they weigh about the same.
plan_a=()
plan_b=()
half=a
while IFS= read -r f; do
  [ "$(basename "$f")" = "index.json" ] && continue
  plans+=(-f "$f")
  if [ "$half" = a ]; then plan_a+=(-f "$f"); half=b; else plan_b+=(-f "$f"); half=a; fi
done < <(ls -S "$dir"/plans/*.json)

echo "checkov $("$venv/bin/checkov" --version): synthesized JSON of $(ls -d "$dir"/stacks/*/ | wc -l) stacks and $((${#plans[@]} / 2)) plans"
# The two scans are independent: they run side by side, each timed, and both are gated below.
start=$SECONDS
set +e
(
  # scan.py: checkov's command line with the JSON files parsed by libyaml (see the file).
  "$venv/bin/python" "$root/.ci/checkov/scan.py" -d "$dir/stacks" --framework terraform_json --compact --quiet -o json \
    > "$work/synth.json" 2> "$work/synth.log"
  echo "checkov: synthesized scan took $((SECONDS - start)) s"
) &
synth_scan=$!
for part in a b; do
  (
    if [ "$part" = a ]; then files=("${plan_a[@]}"); else files=("${plan_b[@]}"); fi
    if [ "${#files[@]}" -eq 0 ]; then echo '[]' > "$work/plan-$part.json"; : > "$work/plan-$part.log"; exit 0; fi
    "$venv/bin/checkov" "${files[@]}" --framework terraform_plan --compact --quiet -o json \
      > "$work/plan-$part.json" 2> "$work/plan-$part.log"
    echo "checkov: plan scan, half $part ($((${#files[@]} / 2)) plans), took $((SECONDS - start)) s"
  ) &
  eval "plan_scan_$part=\$!"
done
wait "$synth_scan"
wait "$plan_scan_a"
wait "$plan_scan_b"
set -e

python3 "$root/.ci/checkov/gate.py" "$skip_list" "$dir/stacks" "$work/synth.json" "$work/synth.log" \
  "$work/plan-a.json,$work/plan-b.json" "$work/plan-a.log,$work/plan-b.log"
