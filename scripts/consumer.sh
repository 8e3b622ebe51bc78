#!/usr/bin/env bash
# Builds @tandem/cdktf as another team gets it (npm pack), installs it into examples/consumer,
# type-checks the consumer against the published declarations, and synthesizes its stack.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
consumer=examples/consumer
rm -rf "$consumer/.pack" "$consumer/node_modules" "$consumer/cdktf.out"
mkdir -p "$consumer/.pack"
tarball=$(npm pack --silent --pack-destination "$consumer/.pack" | tail -n 1)
mv "$consumer/.pack/$tarball" "$consumer/.pack/tandem-cdktf.tgz"
# The public API as built matches the reviewed report (docs/api/tandem-cdktf.api.md); `npm run api` updates it.
npx api-extractor run -c scripts/api-extractor.json >/dev/null || {
  echo "consumer: the public API changed; run npm run api and commit docs/api/tandem-cdktf.api.md" >&2
  npx api-extractor run -c scripts/api-extractor.json | tail -20 >&2
  exit 1
}
cd "$consumer"
npm install --no-audit --no-fund --no-package-lock --loglevel=error
# The package must not ship tests or sources, and must carry declarations.
tar -tzf .pack/tandem-cdktf.tgz > .pack/contents.txt
grep -q '^package/dist/index.d.ts$' .pack/contents.txt
if grep -qE '^package/(test|src|stacks|environments)/' .pack/contents.txt; then echo "the package ships sources or tests" >&2; exit 1; fi
npx tsc --noEmit -p tsconfig.json
# The PR preview ships as a command (package.json "bin") and a subpath export.
grep -q '^package/dist/preview/bin.js$' .pack/contents.txt
npx --no-install tandem-preview --help | grep -q '^usage: tandem-preview'
node -e 'if (typeof require("@tandem/cdktf/preview").renderPreview !== "function") process.exit(1)'
CDKTF_OUTDIR="$PWD/cdktf.out" node --import tsx main.ts
node -e '
  const fs = require("fs");
  const tf = JSON.parse(fs.readFileSync("cdktf.out/stacks/orders-staging/cdk.tf.json", "utf8"));
  const need = ["google_sql_database_instance", "kubernetes_deployment_v1", "kubernetes_service_v1"];
  const missing = need.filter((t) => !tf.resource[t]);
  if (missing.length) { console.error("consumer stack lacks " + missing.join(", ")); process.exit(1); }
  if (!tf.data.terraform_remote_state) { console.error("consumer stack does not read Tandem outputs"); process.exit(1); }
  const apis = Object.values(tf.resource.google_project_service || {}).map((s) => s.service).sort().join(",");
  if (!apis.includes("sqladmin.googleapis.com")) { console.error("consumer stack does not enable its APIs (EnableApis): " + apis); process.exit(1); }
  console.log("consumer: synthesized orders-staging with " + Object.values(tf.resource).reduce((n, r) => n + Object.keys(r).length, 0) + " resources from the packed @tandem/cdktf");
'
echo "consumer: 1 passed, 0 failed, 0 skipped"
