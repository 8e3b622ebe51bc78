#!/usr/bin/env bash
# `npm run test:workflows`: the GitHub workflows through actionlint (syntax, expressions, the inputs and outputs of
# reusable workflows, shellcheck of run: steps when shellcheck is installed). actionlint is built once with Go
# from the module proxy into a cache; without Go the tier is skipped with the reason, never passed.
set -uo pipefail
cd "$(dirname "$0")/.."
version=v1.7.7
bin="${XDG_CACHE_HOME:-$HOME/.cache}/tandem/actionlint-$version"
files=(.github/workflows/*.yml)
if [ ! -x "$bin/actionlint" ]; then
  if ! command -v go >/dev/null; then
    echo "skip: workflows actionlint: Go is not installed (actionlint is built from the Go module proxy)"
    echo "workflows: 0 passed, 0 failed, ${#files[@]} skipped"
    exit 0
  fi
  if ! GOBIN="$bin" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$version" 2>&1 | tail -5; then
    echo "workflows: 0 passed, 1 failed, 0 skipped (could not build actionlint $version)"
    exit 1
  fi
fi
passed=0
failed=0
for f in "${files[@]}"; do
  if "$bin/actionlint" -no-color "$f"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "workflows: $passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
