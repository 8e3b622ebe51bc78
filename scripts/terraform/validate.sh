#!/usr/bin/env bash
# npm run test:terraform: validate, terraform test and checkov on every stack (validate.mjs), then the PR
# preview on real plans of our stacks (preview-plans.mjs). Both run; the exit code is non-zero if either fails.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
node "$here/validate.mjs" "$@"
checks=$?
node "$here/preview-plans.mjs"
preview=$?
[ "$checks" -eq 0 ] && [ "$preview" -eq 0 ]
