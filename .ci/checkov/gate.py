"""Gates checkov results on the scoped skip list (.ci/checkov/skip-list).

Each skip-list line is "<check id>  <resource glob>  # <reason>", the glob matched against
"<stack>/<resource address>". A failure no line covers fails the gate; a line that covers
nothing in either scan is reported, so stale exceptions get removed.
checkov names some resources of the synthesized JSON "resource.<name>"; the type is read
back from that stack's cdk.tf.json so every key is a real Terraform address.
Usage: gate.py <skip-list> <stacks dir> <synth.json> <synth.log> <plan.json>[,<plan.json>...] <plan.log>[,<plan.log>...]
"""
import fnmatch
import json
import os
import re
import sys

LINE = re.compile(r'(CKV2?_AWS_\d+)\s+(\S+)\s+#\s*(.{20,})')


def read_skips(path):
    skips, bad = [], []
    for number, raw in enumerate(open(path), 1):
        text = raw.strip()
        if not text or text.startswith('#'):
            continue
        m = LINE.fullmatch(text)
        if m:
            skips.append({'id': m.group(1), 'glob': m.group(2), 'reason': m.group(3), 'line': number, 'used': 0})
        else:
            bad.append(f'{path}:{number}: "{text}" needs "<check id>  <stack>/<address glob>  # <reason of 20+ characters>"')
    if bad:
        sys.exit('\n'.join(bad))
    return skips


def stack_of(file_path):
    """stacks/<stack>/cdk.tf.json or plans/<stack>.json -> <stack>."""
    parts = file_path.replace('\\', '/').strip('/').split('/')
    if len(parts) >= 2 and parts[-1] == 'cdk.tf.json':
        return parts[-2]
    return os.path.splitext(parts[-1])[0]


TYPES = {}


def address(stacks_dir, stack, resource):
    """The Terraform address of a checkov resource name."""
    if not resource.startswith('resource.'):
        return resource
    if stack not in TYPES:
        try:
            doc = json.load(open(os.path.join(stacks_dir, stack, 'cdk.tf.json')))
        except (OSError, ValueError):
            doc = {}
        TYPES[stack] = {n: t for t, by_name in doc.get('resource', {}).items() for n in by_name}
    name = resource[len('resource.'):]
    return f"{TYPES[stack].get(name, 'resource')}.{name}"


def scan(name, stacks_dir, results, logs, skips):
    """results and logs: one file each, or several separated by commas (a scan split across processes)."""
    runs = []
    for result, log in zip(results.split(','), logs.split(','), strict=True):
        try:
            data = json.load(open(result))
        except ValueError:
            sys.exit(f'checkov {name}: no results in {os.path.basename(result)}\n' + open(log).read()[-4000:])
        runs += data if isinstance(data, list) else [data]
    passed = sum(r.get('summary', {}).get('passed', 0) for r in runs)
    errors = sum(r.get('summary', {}).get('parsing_errors', 0) for r in runs)
    failures = [c for r in runs for c in r.get('results', {}).get('failed_checks', [])]
    unskipped = []
    for c in failures:
        stack = stack_of(c['file_path'])
        key = f"{stack}/{address(stacks_dir, stack, c['resource'])}"
        hit = next((s for s in skips if s['id'] == c['check_id'] and fnmatch.fnmatchcase(key, s['glob'])), None)
        if hit:
            hit['used'] += 1
        else:
            unskipped.append((c, key))
    for c, key in unskipped:
        print(f"FAILED ({name}) {c['check_id']} {key}: {c['check_name']}")
    print(f'checkov {name}: passed {passed}, failed {len(unskipped)}, skipped (scoped) {len(failures) - len(unskipped)}, parsing errors {errors}')
    return len(unskipped) + errors


def main():
    skips = read_skips(sys.argv[1])
    stacks = sys.argv[2]
    bad = scan('synthesized', stacks, sys.argv[3], sys.argv[4], skips) + scan('plan', stacks, sys.argv[5], sys.argv[6], skips)
    scanned = [d for d in os.listdir(stacks) if os.path.isdir(os.path.join(stacks, d))]
    for s in skips:
        if s['used']:
            continue
        # A line for stacks this scan does not hold (prod-bootstrap in a dev run) is not stale.
        if any(fnmatch.fnmatchcase(stack, s['glob'].split('/')[0]) for stack in scanned):
            print(f"WARNING unused skip-list line {s['line']}: {s['id']} {s['glob']} covers no failure in this scan")
    if bad:
        sys.exit('checkov: fix the failures (or our rule that missed them), or add a scoped line with a true reason to .ci/checkov/skip-list')


main()
