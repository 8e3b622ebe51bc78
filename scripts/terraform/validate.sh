#!/usr/bin/env bash
# scripts/terraform/validate.sh — `npm run test:terraform`.
# Terraform-level checks of the synthesized stacks (validate, terraform test with mock providers,
# checkov with committed suppressions, and a report-only offline plan). The toolchain comes from
# tools.sh (offline provider mirror in ${TANDEM_CACHE_DIR:-$HOME/.cache/tandem}); the logic is in
# validate.mjs. Options: --synth, --stacks a,b, --no-plan, --keep, ... (see --help).
set -euo pipefail
exec node "$(dirname "${BASH_SOURCE[0]}")/validate.mjs" "$@"
