/**
 * What the synthesized dev stack (cdktf.out/stacks/dev/cdk.tf.json) says the engine should end up with: the
 * containers with their host ports, networks, health checks and writable paths. The e2e test checks the real engine
 * against this, so it follows the stack instead of repeating environments/dev.ts.
 */

export interface StackContainer {
  readonly name: string;
  /** `${docker_image.<id>.image_id}` */
  readonly image: string;
  readonly labels?: readonly { readonly label: string; readonly value: string }[];
  readonly ports?: readonly { readonly internal: number; readonly external: number; readonly ip?: string }[];
  readonly networks_advanced?: readonly { readonly name: string }[];
  readonly network_mode?: string;
  readonly healthcheck?: { readonly test?: readonly string[] };
  readonly tmpfs?: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly must_run?: boolean;
  readonly read_only?: boolean;
}

/** The parts of the synthesized stack the e2e test reads. */
export interface DockerStackJson {
  readonly resource?: {
    readonly docker_container?: Readonly<Record<string, StackContainer>>;
    readonly docker_network?: Readonly<Record<string, { readonly name: string }>>;
    readonly docker_volume?: Readonly<Record<string, { readonly name: string }>>;
    readonly docker_image?: Readonly<Record<string, { readonly name: string }>>;
  };
  readonly data?: { readonly docker_network?: Readonly<Record<string, { readonly name: string }>> };
}

/** How to tell a container is up from the host. */
export type Probe = { readonly kind: "http"; readonly path: string } | { readonly kind: "redis" } | { readonly kind: "tcp" };

export interface PlannedContainer {
  readonly name: string;
  /** The `tandem.service` label: the service, `router` or `router-config`. */
  readonly service: string;
  readonly hostPorts: readonly { readonly port: number; readonly ip: string; readonly internal: number }[];
  /** Network names, references resolved. */
  readonly networks: readonly string[];
  readonly probe: Probe;
  /** Paths mounted as tmpfs (`/tmp` and the service's writable paths). */
  readonly writablePaths: readonly string[];
  readonly user: string;
  /** Runs once and exits (the router-config writer). */
  readonly oneShot: boolean;
}

/** `${docker_network.x.name}` / `${data.docker_network.y.name}` → the name the stack gives it. */
export function resolveName(stack: DockerStackJson, value: string): string {
  const ref = /^\$\{(data\.)?docker_(network|volume)\.([^.]+)\.name\}$/.exec(value);
  if (!ref) return value;
  const [, data, kind, id] = ref;
  const block = data ? stack.data?.docker_network : kind === "network" ? stack.resource?.docker_network : stack.resource?.docker_volume;
  const name = block?.[id]?.name;
  if (name === undefined) throw new Error(`unresolved reference ${value}`);
  return name;
}

/** The probe a health check implies: its wget URL's path, `redis-cli ping`, else a TCP connect. */
export function probeOf(test: readonly string[] | undefined): Probe {
  if (test?.[0] === "CMD-SHELL") {
    const url = /wget\b.*?http:\/\/127\.0\.0\.1:\d+(\/\S*)/.exec(test[1] ?? "");
    if (url) return { kind: "http", path: url[1] };
  }
  if (test?.[0] === "CMD" && test[1] === "redis-cli" && test[2] === "ping") return { kind: "redis" };
  return { kind: "tcp" };
}

export function plannedContainers(stack: DockerStackJson): PlannedContainer[] {
  return Object.values(stack.resource?.docker_container ?? {})
    .map((c) => ({
      name: c.name,
      service: c.labels?.find((l) => l.label === "tandem.service")?.value ?? c.name,
      hostPorts: (c.ports ?? []).map((p) => ({ port: p.external, ip: p.ip ?? "0.0.0.0", internal: p.internal })),
      networks: (c.networks_advanced ?? []).map((n) => resolveName(stack, n.name)).sort(),
      probe: probeOf(c.healthcheck?.test),
      writablePaths: Object.keys(c.tmpfs ?? {}).sort(),
      user: c.user ?? "",
      oneShot: c.must_run === false,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The platform's own network, the legacy network (a data source), and the config volume. */
export function plannedNetworks(stack: DockerStackJson): { own: string[]; legacy: string[]; volumes: string[] } {
  return {
    own: Object.values(stack.resource?.docker_network ?? {}).map((n) => n.name),
    legacy: Object.values(stack.data?.docker_network ?? {}).map((n) => n.name),
    volumes: Object.values(stack.resource?.docker_volume ?? {}).map((v) => v.name),
  };
}

/** A resource that a plan would change, and how. */
export interface PlannedChange {
  readonly address: string;
  readonly actions: readonly string[];
  /** Top-level attributes whose planned value differs from the current one. */
  readonly attributes: readonly string[];
}

interface PlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly change: { readonly actions: readonly string[]; readonly before?: Record<string, unknown> | null; readonly after?: Record<string, unknown> | null; readonly after_unknown?: Record<string, unknown> };
  }[];
}

/** The changes in `terraform show -json <plan>`: every resource whose actions are not no-op/read. */
export function planChanges(plan: PlanJson): PlannedChange[] {
  const out: PlannedChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions;
    if (actions.every((a) => a === "no-op" || a === "read")) continue;
    const before = rc.change.before ?? {};
    const after = rc.change.after ?? {};
    const unknown = rc.change.after_unknown ?? {};
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const attributes = [...keys].filter((k) => unknown[k] === true || JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)).sort();
    out.push({ address: rc.address, actions, attributes });
  }
  return out;
}
