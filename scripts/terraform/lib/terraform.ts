/**
 * The Terraform CLI and where its providers come from, the way Terraform itself does it:
 * - online: the registry, through a normal `terraform init` (nothing to configure);
 * - offline with a CLI config: `TF_CLI_CONFIG_FILE` naming a file with a `provider_installation` block
 *   (e.g. a `filesystem_mirror`), used as it is;
 * - offline with a mirror directory: `TANDEM_PROVIDER_MIRROR=<dir>`, laid out as `terraform providers mirror`
 *   writes it (or unpacked); we write a CLI config that takes every provider from it.
 * `TF_PLUGIN_CACHE_DIR` is honoured; without it the run shares one cache of its own between its inits.
 * Nothing here builds a provider.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { firstError, run, RunResult } from "./run";

/** Write-only attributes (Cloud SQL passwords) need Terraform 1.11. */
export const MIN_TERRAFORM = [1, 11] as const;

export interface TerraformCli {
  readonly binary: string;
  readonly version: string;
}

/** The Terraform CLI to use, or why there is none. */
export function findTerraform(binary = process.env.TANDEM_TERRAFORM ?? "terraform"): TerraformCli | { readonly missing: string } {
  const r = run(binary, ["version", "-json"], { env: { TF_CLI_CONFIG_FILE: undefined, CHECKPOINT_DISABLE: "1" }, timeoutSeconds: 60 });
  if (r.code !== 0) return { missing: `${binary} not found or not runnable (${r.error ?? firstError(r.stderr)}); install Terraform >= ${MIN_TERRAFORM.join(".")}` };
  const version = (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
  const [major, minor] = version.split(".").map(Number);
  if (major < MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor < MIN_TERRAFORM[1])) {
    return { missing: `${binary} is Terraform ${version}; the stacks use write-only attributes, which need >= ${MIN_TERRAFORM.join(".")}` };
  }
  return { binary, version };
}

/** Where providers come from, and the environment that makes Terraform use it. */
export interface ProviderSource {
  /** For people: `registry`, `mirror /opt/providers`, `CLI config ~/.terraformrc`. */
  readonly description: string;
  /** Variables for every Terraform run (`undefined` unsets). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Things the user should know (a CLI config that does not exist, ...). */
  readonly notes: readonly string[];
}

/**
 * Resolves the provider source from the environment. `workDir` holds what we generate (CLI config, plugin cache).
 */
export function providerSource(workDir: string, environment: NodeJS.ProcessEnv = process.env): ProviderSource {
  const notes: string[] = [];
  const base: Record<string, string | undefined> = { TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1", TF_WORKSPACE: undefined, TF_DATA_DIR: undefined };
  if (environment.TF_PLUGIN_CACHE_DIR) {
    fs.mkdirSync(environment.TF_PLUGIN_CACHE_DIR, { recursive: true });
  } else {
    // One cache for this run's inits, so each stack does not unpack the providers again.
    base.TF_PLUGIN_CACHE_DIR = path.join(workDir, "plugin-cache");
    fs.mkdirSync(base.TF_PLUGIN_CACHE_DIR, { recursive: true });
    // The stacks carry no lock file here, so let the cache serve them anyway.
    base.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE = "true";
  }

  const mirror = environment.TANDEM_PROVIDER_MIRROR;
  if (mirror) {
    if (!fs.existsSync(mirror) || !fs.statSync(mirror).isDirectory()) {
      notes.push(`TANDEM_PROVIDER_MIRROR=${mirror} is not a directory; providers come from the registry instead.`);
    } else {
      const config = path.join(workDir, "mirror.tfrc");
      fs.writeFileSync(config, mirrorCliConfig(path.resolve(mirror)));
      return { description: `mirror ${mirror}`, env: { ...base, TF_CLI_CONFIG_FILE: config }, notes };
    }
  }
  const configured = environment.TF_CLI_CONFIG_FILE;
  if (configured) {
    if (fs.existsSync(configured)) return { description: `CLI config ${configured}`, env: { ...base, TF_CLI_CONFIG_FILE: configured }, notes };
    notes.push(
      `TF_CLI_CONFIG_FILE=${configured} does not exist, so it is ignored and providers come from the registry. ` +
        `To use a mirror offline, point TF_CLI_CONFIG_FILE at a CLI config with a filesystem_mirror, or set TANDEM_PROVIDER_MIRROR=<dir>.`,
    );
    return { description: "registry", env: { ...base, TF_CLI_CONFIG_FILE: undefined }, notes };
  }
  return { description: "registry", env: { ...base, TF_CLI_CONFIG_FILE: undefined }, notes };
}

/** A CLI config that installs every provider from one filesystem mirror (and never reaches out). */
export function mirrorCliConfig(dir: string): string {
  return `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(dir)}\n  }\n}\n`;
}

/** A provider a stack requires, as cdktf writes it into `terraform.required_providers`. */
export interface ProviderRequirement {
  /** `google`, `kreuzwerker/docker`, `hashicorp/kubernetes` ... */
  readonly source: string;
  readonly version: string;
}

/** `google` -> `hashicorp/google`, for people. */
export function providerAddress(req: ProviderRequirement): string {
  return `${req.source.includes("/") ? req.source : `hashicorp/${req.source}`} ${req.version}`;
}

/** The required providers of a synthesized stack. */
export function requiredProviders(stackJson: { terraform?: { required_providers?: Record<string, ProviderRequirement> } }): Record<string, ProviderRequirement> {
  return stackJson.terraform?.required_providers ?? {};
}

/**
 * Whether each provider can be installed from the source: one `terraform init` per provider in a scratch
 * directory. Returns the reason for each one that cannot.
 */
export function probeProviders(
  tf: TerraformCli,
  source: ProviderSource,
  providers: Record<string, ProviderRequirement>,
  workDir: string,
): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const [name, req] of Object.entries(providers)) {
    const key = providerAddress(req);
    if (out.has(key)) continue;
    const dir = fs.mkdtempSync(path.join(workDir, `probe-${name}-`));
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { [name]: req } } }));
    const r: RunResult = run(tf.binary, ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env: source.env, timeoutSeconds: 600 });
    out.set(key, r.code === 0 ? undefined : (r.error ?? installFailure(r.stderr || r.stdout)));
  }
  return out;
}

/**
 * Why `terraform init` could not install a provider, in one line: the innermost cause Terraform gives
 * (`registry.terraform.io: no such host`, `provider not found in mirror ...`).
 */
export function installFailure(output: string): string {
  const text = output.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
  const connect = /could not connect to ([\w.-]+):.*?(no such host|connection refused|i\/o timeout|network is unreachable)/i.exec(text);
  if (connect) return `${connect[1]} unreachable (${connect[2]})`;
  const detail = /Error: [^.]+?(?:packages|provider)\s+(.{10,220}?\.)(?:\s|$)/.exec(text);
  return detail ? detail[1].trim() : firstError(output);
}

/** Scratch space for one run of a tier. */
export function workDirectory(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
