#!/usr/bin/env bash
# Cross-check of the compliance pack (policy/) with checkov, an independent scanner:
# synthesizes the prod environment and scans every stack. Any failed check fails, unless
# .ci/checkov/skip-list names it with its reason. Needs python3; `npm test` does not.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-checkov"
requirements="$root/.ci/checkov/requirements.txt"
skip_list="$root/.ci/checkov/skip-list"

# A virtualenv under the project, rebuilt when the pinned requirements change.
if [ ! -x "$venv/bin/checkov" ] || ! cmp -s "$requirements" "$venv/.requirements"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/.requirements"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/cdktf.out"

environment="${CHECKOV_ENV:-prod}"  # prod in CI; another environment for a quick local run
echo "checkov: synthesizing $environment"
(cd "$root" && COLOSSUS_ENV="$environment" CDKTF_OUTDIR="$out" CHECKPOINT_DISABLE=1 npx tsx main.ts)

# Every skip-list entry is "<check id>  # <reason>"; an entry without a reason is an error.
skips="$(python3 - "$skip_list" <<'PY'
import re, sys
ids, bad = [], []
for number, line in enumerate(open(sys.argv[1]), 1):
    text = line.strip()
    if not text or text.startswith('#'):
        continue
    m = re.fullmatch(r'(CKV2?_AWS_\d+)\s+#\s*(.{20,})', text)
    (ids.append(m.group(1)) if m else bad.append(f'{sys.argv[1]}:{number}: "{text}" needs "<check id>  # <reason of 20+ characters>"'))
if bad:
    sys.exit('\n'.join(bad))
print(','.join(ids))
PY
)"

stacks=("$out"/stacks/*/)
echo "checkov: scanning ${#stacks[@]} stacks with $("$venv/bin/checkov" --version)"
set +e
# Every check runs; skip-listed failures are counted as skipped below, so the figures show them.
"$venv/bin/checkov" -d "$out/stacks" --framework terraform_json --compact --quiet -o json \
  > "$work/results.json" 2> "$work/stderr.log"
set -e

python3 - "$work/results.json" "$work/stderr.log" "$skips" <<'PY'
import json, sys
skip = set(filter(None, sys.argv[3].split(',')))
try:
    data = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit('checkov produced no results:\n' + open(sys.argv[2]).read())
runs = data if isinstance(data, list) else [data]
passed = sum(r.get('summary', {}).get('passed', 0) for r in runs)
failures = [c for r in runs for c in r.get('results', {}).get('failed_checks', [])]
failed = sum(1 for c in failures if c['check_id'] not in skip)
skipped = sum(r.get('summary', {}).get('skipped', 0) for r in runs) + len(failures) - failed
errors = sum(r.get('summary', {}).get('parsing_errors', 0) for r in runs)
for c in failures:
    if c['check_id'] not in skip:
        print(f"FAILED {c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}")
print(f'checkov: passed {passed}, failed {failed}, skipped {skipped}, parsing errors {errors}')
if failed or errors:
    sys.exit('checkov: failed checks must be fixed, or added to .ci/checkov/skip-list with the reason')
PY
