import { createMasker, MASKED, maskEnvString, parsePlan, parsePolicy, redactPlan, renderPreview, summarizePlan } from "../../src/preview";
import { change, plan } from "./fixtures";

/**
 * Secrets planted at every depth, each reached by a different rule. The rendered comment must contain none of
 * them (every planted value contains "planted"), and must still show the values that are not secret.
 */
describe("masking holds at every depth", () => {
  const deployment = (tag: string, envValue: string, marked: string) => ({
    metadata: [{ name: "api-blue" }],
    spec: [
      {
        template: [
          {
            spec: [
              {
                container: [
                  {
                    image: `api:${tag}`,
                    env: [
                      { name: "LOG_LEVEL", value: `info-${tag}` },
                      { name: "DB_PASSWORD", value: envValue },
                      { name: "REDIS_URL", value: marked },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  const sensitiveThird = { spec: [{ template: [{ spec: [{ container: [{ env: [{}, {}, { value: true }] }] }] }] }] };
  const nested = (n: number) => ({ a: [{ b: { c: [{ d: { client_secret: `planted-depth-secret-${n}`, note: `visible-${n}` } }] } }] });
  const policyJson = (n: number) => JSON.stringify({ type: "service_account", private_key: `planted-json-key-${n}`, client_email: `sa${n}@x.iam` });
  const conf = (n: number) => `server {\n  set $aws AKIAPLANTEDSECRET12${n};\n  listen 80${n};\n}\n`;

  const p = {
    ...plan(
      change("kubernetes_deployment_v1.api", ["update"], {
        before: deployment("1.4.0", "planted-env-old", "planted-marked-old"),
        after: deployment("1.5.0", "planted-env-new", "planted-marked-new"),
        before_sensitive: sensitiveThird,
        after_sensitive: sensitiveThird,
      }),
      change("google_sql_user.app", ["update"], { before: { name: "app", password: "planted-top-old" }, after: { name: "app", password: "planted-top-new" } }),
      change("google_thing.nested", ["update"], { before: nested(1), after: nested(2) }),
      change("google_service_account_key.k", ["update"], { before: { json: policyJson(1) }, after: { json: policyJson(2) } }),
      change("kubernetes_config_map_v1.cm", ["update"], {
        before: { data: { "nginx.conf": conf(1), REDIS_AUTH_STRING: "planted-configmap-auth-1" } },
        after: { data: { "nginx.conf": conf(2), REDIS_AUTH_STRING: "planted-configmap-auth-2" } },
      }),
      change("docker_container.web", ["update"], { before: { env: ["PORT=80", "API_TOKEN=planted-docker-1"] }, after: { env: ["PORT=81", "API_TOKEN=planted-docker-2"] } }),
      change("google_redis_instance.cache", ["delete", "create"], {
        before: { auth_string: "planted-auth-string", memory_size_gb: 1 },
        after: { memory_size_gb: 2 },
        after_unknown: { auth_string: true },
        before_sensitive: { auth_string: true },
        after_sensitive: { auth_string: true },
      }),
      // A block the plan marks sensitive as a whole.
      change("google_container_cluster.gke", ["update"], {
        before: { master_auth: [{ client_key: "planted-block-1", cluster_ca_certificate: "planted-block-ca-1" }], name: "gke" },
        after: { master_auth: [{ client_key: "planted-block-2", cluster_ca_certificate: "planted-block-ca-2" }], name: "gke" },
        before_sensitive: { master_auth: true },
        after_sensitive: { master_auth: true },
      }),
      // The same secret again, unmarked, inside a longer string: caught by the final scrub.
      change("kubernetes_secret_v1.dsn", ["update"], { before: { data_hint: "postgres://app:planted-top-old@10.0.0.3/db" }, after: { data_hint: "postgres://app:planted-top-new@10.0.0.3/db" } }),
      // A literal from the environment (a tfcmt-style env mask).
      change("google_thing.literal", ["update"], { before: { note: "uses planted-from-env-1 here" }, after: { note: "uses planted-from-env-2 here" } }),
    ),
    resource_drift: [change("google_sql_user.drifted", ["update"], { before: { password: "planted-drift-old" }, after: { password: "planted-drift-new" } })],
    output_changes: {
      db_password: { actions: ["update"], before: "planted-output-old", after: "planted-output-new", before_sensitive: true, after_sensitive: true },
      connection: { actions: ["update"], before: { host: "h1", token: "planted-output-token-1" }, after: { host: "h2", token: "planted-output-token-2" } },
    },
  } as const;

  const policy = parsePolicy(JSON.stringify({ mask: { values: [{ regexp: "AKIA[0-9A-Z]{16}\\d*" }, { env: "LEGACY_TOKEN_1" }, { env: "LEGACY_TOKEN_2" }] } }), "policy.json");
  const masker = createMasker({ ...policy.mask, env: { LEGACY_TOKEN_1: "planted-from-env-1", LEGACY_TOKEN_2: "planted-from-env-2" } });
  const { markdown } = renderPreview([summarizePlan("staging", p, { masker })], { policy, masker });

  test("no planted secret appears anywhere in the comment", () => {
    expect(markdown.match(/.{0,40}planted.{0,20}/gi) ?? []).toEqual([]);
  });

  test("what is not secret is still shown", () => {
    for (const visible of ['"api:1.4.0"', '"info-1.5.0"', "visible-2", '"PORT=81"', "listen 802", "memory_size_gb", '"h2"', "sa2@x.iam"]) expect(markdown).toContain(visible);
  });

  test("each rule masks in place, saying so", () => {
    expect(markdown).toContain(`\`spec[0].template[0].spec[0].container[0].env[1].value\`: _${MASKED}_ → _${MASKED}_`);
    expect(markdown).toContain(`\`password\`: _${MASKED}_ → _${MASKED}_`);
    expect(markdown).toContain("`a[0].b.c[0].d.client_secret`");
    expect(markdown).toContain(`"private_key": "${MASKED}"`);
    expect(markdown).toContain("set $aws ***;");
    expect(markdown).toContain(`"API_TOKEN=${MASKED}"`);
  });

  test("redact: the artifact copy holds no planted secret, and changes still read as changes", () => {
    const m = createMasker({ ...policy.mask, env: { LEGACY_TOKEN_1: "planted-from-env-1", LEGACY_TOKEN_2: "planted-from-env-2" } });
    const redacted = JSON.stringify(redactPlan(p, m, "salt"));
    // Value masks of the policy and the remembered literals apply to the artifact too; the final scrub is the comment's.
    expect(redacted.match(/.{0,30}planted.{0,20}/gi) ?? []).toEqual([]);
    const again = renderPreview([summarizePlan("staging", parsePlan(redacted, "plan.json"), { masker: createMasker() })]).markdown;
    expect(again).toContain(`\`password\`: _${MASKED}_ → _${MASKED}_`);
    expect(again).toContain('"info-1.5.0"');
    expect(again).not.toMatch(/planted/i);
  });

  test("Docker env strings: only secret names are masked", () => {
    const m = createMasker();
    expect(maskEnvString("DB_PASSWORD=x", m)).toBe(`DB_PASSWORD=${MASKED}`);
    expect(maskEnvString("PORT=80", m)).toBe("PORT=80");
  });

  test("names and switches that match the pattern are not secrets", () => {
    const m = createMasker();
    expect(["secret_id", "automount_service_account_token", "password_version"].map((k) => m.isSecretKey(k))).toEqual([false, false, false]);
    expect(["password", "DB_PASSWORD", "auth_string", "client_key", "value_wo", "api_key"].map((k) => m.isSecretKey(k))).toEqual([true, true, true, true, true, true]);
  });

  test("policy key patterns add to the built-in ones", () => {
    const m = createMasker(parsePolicy(JSON.stringify({ mask: { keys: ["^x_internal_"] } }), "p.json").mask);
    expect(m.isSecretKey("x_internal_note")).toBe(true);
  });
});
