#!/usr/bin/env bash
# npm run test:terraform: the stacks through real Terraform and checkov (validate.ts), then the PR preview on real
# plans of our stacks (preview-plans.ts). Both run; the exit code is non-zero if either fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
node scripts/run-ts.cjs scripts/terraform/validate.ts "$@"
checks=$?
node scripts/run-ts.cjs scripts/terraform/preview-plans.ts
preview=$?
[ "$checks" -eq 0 ] && [ "$preview" -eq 0 ]
