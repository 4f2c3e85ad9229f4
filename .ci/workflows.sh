#!/usr/bin/env bash
# Lints the GitHub workflows with actionlint and audits them with zizmor (both from PyPI, in a
# virtualenv under the project, rebuilt when the pinned requirements change). Any finding fails;
# an accepted one is ignored in the workflow itself with a `zizmor: ignore[...]` comment and
# its reason. Needs python3; `npm test` does not.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-workflows"
requirements="$root/.ci/workflows/requirements.txt"

if [ ! -x "$venv/bin/zizmor" ] || ! cmp -s "$requirements" "$venv/.requirements"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/.requirements"
fi

cd "$root"
echo "actionlint $("$venv/bin/actionlint" -version | head -n 1)"
"$venv/bin/actionlint" -no-color .github/workflows/*.yml
echo "actionlint: no findings"
# --offline: no GitHub API calls (CI has no network but the registries); audits that need
# the API are skipped and say so.
"$venv/bin/zizmor" --offline --no-progress --format plain .github/workflows/
