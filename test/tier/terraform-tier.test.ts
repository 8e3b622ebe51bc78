import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkovInput, parseCheckov, parseCrashes, loadSuppressions } from "../../scripts/terraform/lib/checkov";
import { closingLine, failed, formatResults, passed, skipped } from "../../scripts/terraform/lib/report";
import { installFailure, mirrorCliConfig, providerSource } from "../../scripts/terraform/lib/terraform";

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), "tandem-tier-"));

describe("provider source", () => {
  test("a mirror directory becomes a CLI config with a filesystem_mirror", () => {
    const work = dir();
    const mirror = dir();
    const s = providerSource(work, { TANDEM_PROVIDER_MIRROR: mirror });
    expect(s.description).toBe(`mirror ${mirror}`);
    expect(fs.readFileSync(String(s.env.TF_CLI_CONFIG_FILE), "utf8")).toBe(mirrorCliConfig(mirror));
    expect(mirrorCliConfig(mirror)).toMatch(/provider_installation \{\n {2}filesystem_mirror \{\n {4}path = "/);
  });

  test("an existing TF_CLI_CONFIG_FILE is used as it is", () => {
    const file = path.join(dir(), "tfrc");
    fs.writeFileSync(file, "");
    expect(providerSource(dir(), { TF_CLI_CONFIG_FILE: file })).toMatchObject({ description: `CLI config ${file}`, env: { TF_CLI_CONFIG_FILE: file }, notes: [] });
  });

  test("a TF_CLI_CONFIG_FILE that does not exist is named, ignored, and the registry is used", () => {
    const s = providerSource(dir(), { TF_CLI_CONFIG_FILE: "/nowhere/.terraformrc" });
    expect(s.description).toBe("registry");
    expect(s.env.TF_CLI_CONFIG_FILE).toBeUndefined();
    expect(s.notes[0]).toMatch(/TF_CLI_CONFIG_FILE=\/nowhere\/\.terraformrc does not exist/);
  });

  test("TF_PLUGIN_CACHE_DIR is honoured; without it the run gets a cache of its own", () => {
    const cache = path.join(dir(), "cache");
    expect(providerSource(dir(), { TF_PLUGIN_CACHE_DIR: cache }).env.TF_PLUGIN_CACHE_DIR).toBeUndefined();
    expect(fs.existsSync(cache)).toBe(true);
    const work = dir();
    expect(providerSource(work, {}).env.TF_PLUGIN_CACHE_DIR).toBe(path.join(work, "plugin-cache"));
  });

  test("init's failure is told in one line: the innermost cause", () => {
    const offline = `Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/google: could not connect to registry.terraform.io: failed to request discovery document: Get "https://registry.terraform.io/.well-known/terraform.json": dial tcp: lookup registry.terraform.io on 10.0.0.1:53: no such host`;
    expect(installFailure(offline)).toBe("registry.terraform.io unreachable (no such host)");
  });
});

describe("checkov report", () => {
  const doc = { resource: { google_sql_database_instance: { database_1: { "//": { metadata: { path: "staging/database/Resource" } } } } } };
  const report = JSON.stringify({
    check_type: "terraform_json",
    results: {
      passed_checks: [{}, {}],
      failed_checks: [
        { check_id: "CKV_GCP_79", check_name: "latest major version", resource: "resource.database_1" },
        { check_id: "CKV_GCP_6", check_name: "client certificates", resource: "google_sql_database_instance.database_1" },
      ],
      parsing_errors: [],
    },
  });
  const log = `2026-12-02 09:44:22,785 [MainThread  ] [ERROR]  Failed to run check CKV_GCP_57 on /x/cdk.tf.json:google_sql_database_instance.database_1
Traceback (most recent call last):
  File "checkov/common/checks/base_check.py", line 68, in run
TypeError: 'int' object is not subscriptable
2026-12-02 09:44:22,786 [MainThread  ] [INFO]  done`;

  test("failed checks are matched to suppressions by address or construct path; the rest stay failed", () => {
    const scan = parseCheckov(report, "", "staging", doc, [{ check: "CKV_GCP_79", resource: "*/database/Resource", reason: "The major version is chosen in config." }]);
    expect(scan.passed).toBe(2);
    expect(scan.suppressed.map((f) => f.check)).toEqual(["CKV_GCP_79"]);
    expect(scan.failed).toEqual([{ check: "CKV_GCP_6", name: "client certificates", address: "google_sql_database_instance.database_1", constructPath: "staging/database/Resource" }]);
    expect([...scan.usedSuppressions]).toEqual([0]);
  });

  test("a check that crashes inside checkov is reported with its exception, not dropped", () => {
    expect(parseCrashes(log)).toEqual([{ check: "CKV_GCP_57", address: "google_sql_database_instance.database_1", error: "TypeError: 'int' object is not subscriptable" }]);
    expect(parseCheckov(report, log, "staging", doc, []).crashed).toHaveLength(1);
  });

  test("no applicable check is an empty report, not a pass", () => {
    const scan = parseCheckov(JSON.stringify({ passed: 0, failed: 0, skipped: 0, parsing_errors: 0, resource_count: 0, checkov_version: "3.3.30" }), "", "dev", {}, []);
    expect(scan.passed + scan.failed.length + scan.suppressed.length).toBe(0);
  });

  test("checkov gets the stack without plain values in the terraform block, which its parser refuses", () => {
    const doc = { terraform: { required_version: ">= 1.11", backend: { local: {} }, required_providers: { google: {} } }, resource: { a: {} } };
    expect(checkovInput(doc)).toEqual({ terraform: { backend: { local: {} }, required_providers: { google: {} } }, resource: { a: {} } });
  });

  test("a suppression without a full-sentence reason is refused", () => {
    const file = path.join(dir(), "s.json");
    fs.writeFileSync(file, JSON.stringify([{ check: "CKV_GCP_1", resource: "x", reason: "because" }, { check: "CKV_GCP_2", resource: "y", reason: "The scanner default does not fit this stack." }]));
    const { entries, problems } = loadSuppressions(file);
    expect(entries.map((e) => e.check)).toEqual(["CKV_GCP_2"]);
    expect(problems[0]).toMatch(/s\.json\[0\]: reason must be at least one full sentence/);
  });
});

describe("results", () => {
  test("skipped is counted apart from passed, and every skip is listed with its reason", () => {
    const results = [passed("staging", "checkov", "1 passed"), skipped("staging", "validate", "providers not available"), failed("dev", "test", "1 failed")];
    expect(closingLine("terraform", results)).toBe("terraform: 1 passed, 1 failed, 1 skipped");
    expect(formatResults("terraform", results)).toContain("skip: terraform staging validate: providers not available");
  });
});
