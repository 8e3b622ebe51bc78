/**
 * Connections by intent (aws-cdk's `connections`/`grantConnect` idea): a workload says what it uses —
 * `api.connectsTo(database)` — and the thing it uses says what that takes, on all three sides:
 * - the network: the egress the workload's NetworkPolicy must allow (addresses and ports, each with why);
 * - IAM: the grants its Google service account needs (made by `connect`, under the thing connected to);
 * - configuration: the plain settings (ConfigMap) and the secret ones (a Kubernetes Secret) it reads.
 * Nobody writes an egress list, a role or a connection string by hand.
 */
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";

/** One egress allowance: where, on which ports, and why (the reason is kept next to the rule). */
export interface EgressAllowance {
  /** An IPv4 CIDR; may be a Terraform reference (`${...private_ip_address}/32`). */
  readonly cidr: string;
  /** CIDRs inside `cidr` that stay denied. @default [] */
  readonly except?: readonly string[];
  readonly ports: readonly number[];
  /** @default "TCP" */
  readonly protocol?: "TCP" | "UDP";
  /** What needs it, in a few words (`Cloud SQL connector`). */
  readonly why: string;
}

/** The workload that connects: its Google identity, and a name for the ids of what is made for it. */
export interface ConnectionClient {
  /** A short id-safe name (`api`); grants made for it are named after it. */
  readonly name: string;
  /** The Google service account the workload's pods run as (Workload Identity). */
  readonly serviceAccount: ServiceAccount;
}

/** What a connection takes. */
export interface Connection {
  readonly egress: readonly EgressAllowance[];
  /** Settings the workload reads (a ConfigMap, as environment variables): names are upper-case env names. */
  readonly config: Readonly<Record<string, string>>;
  /** Secret settings (a Kubernetes Secret, as environment variables): values are Terraform references. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Other things connecting to this needs (e.g. Cloud SQL's connector calls the Admin API: Google APIs). */
  readonly requires?: readonly IConnectable[];
}

/** Something a workload can connect to: a database, a cache, Google APIs, a secret, the legacy system. */
export interface IConnectable {
  /** A name for what it is, in messages (`Cloud SQL pg-staging`). */
  readonly connectableName: string;
  /** Makes the grants `client` needs, once per client, and says how to reach this. */
  connect(client: ConnectionClient): Connection;
}

/**
 * The metadata server a Workload Identity pod asks for its Google token: 169.254.169.254:80, which GKE's metadata
 * server answers on Dataplane V2 from 169.254.169.252:988. Every workload with a Google identity needs both.
 */
export const METADATA_SERVER_EGRESS: readonly EgressAllowance[] = [
  { cidr: "169.254.169.254/32", ports: [80], why: "GKE metadata server (Workload Identity tokens)" },
  { cidr: "169.254.169.252/32", ports: [988], why: "GKE metadata server on Dataplane V2" },
];

/** Merges connections' settings; a name set twice to different values is an error naming both connectables. */
export function mergeSettings(entries: readonly { from: string; values: Readonly<Record<string, string>> }[]): Record<string, string> {
  const out: Record<string, string> = {};
  const owner: Record<string, string> = {};
  for (const { from, values } of entries) {
    for (const [k, v] of Object.entries(values)) {
      if (k in out && out[k] !== v) throw new Error(`${k} is set by both ${owner[k]} and ${from}; give one of the connections a prefix`);
      out[k] = v;
      owner[k] = from;
    }
  }
  return out;
}

/** The connections of a client, with the ones they require (Google APIs for Cloud SQL's connector), each once. */
export function resolveConnections(client: ConnectionClient, targets: readonly IConnectable[]): { target: IConnectable; connection: Connection }[] {
  const done = new Map<IConnectable, Connection>();
  const visit = (t: IConnectable) => {
    if (done.has(t)) return;
    const c = t.connect(client);
    done.set(t, c);
    for (const r of c.requires ?? []) visit(r);
  };
  for (const t of targets) visit(t);
  return [...done.entries()].map(([target, connection]) => ({ target, connection }));
}

/** Ranges never reached as "the internet": RFC 1918, link-local (the metadata server), CGNAT. */
export const NON_INTERNET_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"];

/** Google APIs when the VPC's way to them is not known (a network from attributes): 443 outside private ranges. */
export const GOOGLE_APIS_OVER_INTERNET: IConnectable = {
  connectableName: "Google APIs (over the internet)",
  connect: () => ({ egress: [...METADATA_SERVER_EGRESS, { cidr: "0.0.0.0/0", except: NON_INTERNET_RANGES, ports: [443], why: "Google APIs over the internet" }], config: {}, secrets: {} }),
};

/** One connection per client name: connecting twice returns the first (and makes no second grant). */
export class PerClient {
  private readonly made = new Map<string, Connection>();
  get(client: ConnectionClient, make: () => Connection): Connection {
    const existing = this.made.get(client.name);
    if (existing) return existing;
    const c = make();
    this.made.set(client.name, c);
    return c;
  }
}

/** `api-gateway` -> `API_GATEWAY`: an environment variable name part. */
export function envName(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "").toUpperCase();
}

/** The same connection with its settings named `<PREFIX>_<NAME>`: for a workload using two databases. */
export function withEnvPrefix(target: IConnectable, prefix: string): IConnectable {
  const rename = (values: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [`${envName(prefix)}_${k}`, v]));
  return {
    connectableName: target.connectableName,
    connect: (client) => {
      const c = target.connect(client);
      return { ...c, config: rename(c.config), secrets: rename(c.secrets) };
    },
  };
}
