import { changedContainers, ContainerState, parseInspect } from "../../scripts/e2e/containers";
import { dockerdArgs, mountsUnder } from "../../scripts/e2e/engine";
import { imageRoles } from "../../scripts/e2e/images";
import { isFailure, LoadRecord, loadWindow } from "../../scripts/e2e/load";
import { accessLines, applyCounts, stripAnsi } from "../../scripts/e2e/parse";
import { DockerStackJson, planChanges, plannedContainers, plannedNetworks, probeOf, resolveName } from "../../scripts/e2e/plan";
import { withRouterPhase } from "../../scripts/e2e/project";
import { imagePathOf, parseLdd } from "../../scripts/e2e/rootfs";
import { E2E_STEPS, SkipStep, Steps } from "../../scripts/e2e/steps";

describe("rootfs", () => {
  test("ldd output: libraries with paths, the loader, and what was not found; vdso skipped", () => {
    const text = [
      "\tlinux-vdso.so.1 (0x00007ffd)",
      "\tliblzf.so.1 => not found",
      "\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x00007f8f449d9000)",
      "\tlibjemalloc.so.2 => /tmp/debs/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 (0x00007f)",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f8f44cc0000)",
    ].join("\n");
    expect(parseLdd(text)).toEqual({
      libraries: ["/lib/x86_64-linux-gnu/libssl.so.3", "/tmp/debs/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/lib64/ld-linux-x86-64.so.2"],
      missing: ["liblzf.so.1"],
    });
    expect(parseLdd("\tstatically linked\n")).toEqual({ libraries: [], missing: [] });
  });

  test("a library from an unpacked package goes to its path inside the package", () => {
    expect(imagePathOf("/tmp/debs/usr/lib/x86_64-linux-gnu/liblzf.so.1", ["/tmp/debs"])).toBe("/usr/lib/x86_64-linux-gnu/liblzf.so.1");
    expect(imagePathOf("/lib/x86_64-linux-gnu/libc.so.6", ["/tmp/debs"])).toBe("/lib/x86_64-linux-gnu/libc.so.6");
  });
});

describe("engine", () => {
  test("dockerd lives in its directory and leaves the host's firewall alone unless asked", () => {
    const args = dockerdArgs("/tmp/e", false);
    expect(args).toEqual(expect.arrayContaining(["--data-root=/tmp/e/data", "--exec-root=/tmp/e/exec", "--pidfile=/tmp/e/docker.pid", "--host=unix:///tmp/e/docker.sock", "--bridge=none", "--iptables=false", "--ip-forward=false"]));
    expect(dockerdArgs("/tmp/e", true)).not.toContain("--iptables=false");
  });

  test("mounts under the engine's directory, deepest first, and nothing else", () => {
    const info = [
      "22 1 0:21 / / rw - ext4 /dev/vda rw",
      "30 22 0:40 / /tmp/e/data/overlay2/abc/merged rw - overlay overlay rw",
      "31 22 0:4 net:[4026] /tmp/e/exec/netns/1f rw - nsfs nsfs rw",
      "32 22 0:41 / /tmp/else rw - tmpfs tmpfs rw",
    ].join("\n");
    expect(mountsUnder(info, "/tmp/e")).toEqual(["/tmp/e/data/overlay2/abc/merged", "/tmp/e/exec/netns/1f"]);
  });
});

describe("project", () => {
  const source = `platform: {\n    services: { web: { port: 8100 } },\n    router: { domain: "hedgehog.local", phase: "path", port: 8180 },\n  },`;

  test("the router's phase and weight are what changes, nothing else", () => {
    const weighted = withRouterPhase(source, "weighted", 50);
    expect(weighted).toContain('router: { domain: "hedgehog.local", phase: "weighted", weightPercent: 50, port: 8180 }');
    expect(weighted.replace(/router: \{[^}]*\}/, "")).toEqual(source.replace(/router: \{[^}]*\}/, ""));
    expect(withRouterPhase(weighted, "path")).toEqual(source);
  });

  test("a file without a router object is an error, not a silent no-op", () => {
    expect(() => withRouterPhase("export const x = 1;", "path")).toThrow(/no `router/);
  });
});

const stack: DockerStackJson = {
  resource: {
    docker_image: { img_web: { name: "example/web:1" }, img_redis: { name: "redis:7" }, img_router: { name: "nginx:1" } },
    docker_network: { net: { name: "tandem" } },
    docker_volume: { vol: { name: "tandem-router-config" } },
    docker_container: {
      web: {
        name: "tandem-web",
        image: "${docker_image.img_web.image_id}",
        labels: [{ label: "tandem.service", value: "web" }],
        ports: [{ internal: 8080, external: 8100, ip: "127.0.0.1" }],
        networks_advanced: [{ name: "${docker_network.net.name}" }],
        healthcheck: { test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1"] },
        tmpfs: { "/tmp": "rw" },
        user: "10001:10001",
      },
      cache: {
        name: "tandem-cache",
        image: "${docker_image.img_redis.image_id}",
        healthcheck: { test: ["CMD", "redis-cli", "ping"] },
        networks_advanced: [{ name: "${docker_network.net.name}" }, { name: "${data.docker_network.legacy.name}" }],
      },
      router: { name: "tandem-router", image: "${docker_image.img_router.image_id}", labels: [{ label: "tandem.service", value: "router" }] },
      writer: { name: "tandem-router-config-abc", image: "${docker_image.img_router.image_id}", must_run: false, network_mode: "none" },
    },
  },
  data: { docker_network: { legacy: { name: "netbox_default" } } },
};

describe("plan", () => {
  test("containers with their host ports, resolved networks, probes and writable paths", () => {
    const [cache, router, writer, web] = plannedContainers(stack);
    expect(web).toEqual({ name: "tandem-web", service: "web", hostPorts: [{ port: 8100, ip: "127.0.0.1", internal: 8080 }], networks: ["tandem"], probe: { kind: "http", path: "/health" }, writablePaths: ["/tmp"], user: "10001:10001", oneShot: false });
    expect(cache).toMatchObject({ networks: ["netbox_default", "tandem"], probe: { kind: "redis" } });
    expect(router.service).toBe("router");
    expect(writer.oneShot).toBe(true);
    expect(plannedNetworks(stack)).toEqual({ own: ["tandem"], legacy: ["netbox_default"], volumes: ["tandem-router-config"] });
  });

  test("references resolve to names; a dangling one is an error", () => {
    expect(resolveName(stack, "${data.docker_network.legacy.name}")).toBe("netbox_default");
    expect(resolveName(stack, "plain")).toBe("plain");
    expect(() => resolveName(stack, "${docker_network.nope.name}")).toThrow(/unresolved/);
  });

  test("a health check becomes a probe: the wget path, redis-cli ping, else TCP", () => {
    expect(probeOf(["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:9090/-/healthy || exit 1"])).toEqual({ kind: "http", path: "/-/healthy" });
    expect(probeOf(["CMD", "redis-cli", "ping"])).toEqual({ kind: "redis" });
    expect(probeOf(["CMD", "pg_isready"])).toEqual({ kind: "tcp" });
    expect(probeOf(undefined)).toEqual({ kind: "tcp" });
  });

  test("image roles follow the stack: the router's image, redis by its health command, HTTP otherwise", () => {
    expect(Object.fromEntries(imageRoles(stack))).toEqual({ "example/web:1": "http", "redis:7": "redis", "nginx:1": "router" });
  });

  test("plan changes: every resource that is not a no-op, with the attributes that differ", () => {
    const changes = planChanges({
      resource_changes: [
        { address: "docker_container.a", change: { actions: ["no-op"], before: { x: 1 }, after: { x: 1 } } },
        { address: "docker_container.b", change: { actions: ["update"], before: { memory_swap: 1024, name: "b" }, after: { memory_swap: 512, name: "b" } } },
        { address: "docker_container.c", change: { actions: ["delete", "create"], before: { id: "1", must_run: false }, after: { must_run: false }, after_unknown: { id: true } } },
        { address: "data.docker_network.d", change: { actions: ["read"] } },
      ],
    });
    expect(changes).toEqual([
      { address: "docker_container.b", actions: ["update"], attributes: ["memory_swap"] },
      { address: "docker_container.c", actions: ["delete", "create"], attributes: ["id"] },
    ]);
  });
});

describe("tool output", () => {
  test("cdktf's apply and destroy summaries, through its colour codes", () => {
    const out = "dev  \u001b[0m\u001b[1m\u001b[32m\n     Apply complete! Resources: 1 added, 0 changed, 1 destroyed.\u001b[0m";
    expect(stripAnsi(out)).not.toContain("\u001b");
    expect(applyCounts(out)).toEqual({ added: 1, changed: 0, destroyed: 1 });
    expect(applyCounts("Destroy complete! Resources: 19 destroyed.")).toEqual({ added: 0, changed: 0, destroyed: 19 });
    expect(applyCounts("No changes.")).toBeUndefined();
  });

  test("access lines: JSON objects of kind tandem.access only", () => {
    const stdout = ['{"kind":"tandem.access","side":"new","status":200}', "plain text", '{"kind":"other"}', "{broken", '{"kind":"tandem.access","side":"legacy"}'].join("\n");
    expect(accessLines(stdout).map((l) => l.side)).toEqual(["new", "legacy"]);
  });
});

describe("load", () => {
  const r = (t: number, status: number, error?: string, phase?: string): LoadRecord => ({ t, path: "/", status, ms: 1, error, phase });

  test("a failure is a connection error or a status outside 2xx/3xx", () => {
    expect([r(0, 200), r(0, 302), r(0, 404), r(0, 502), r(0, 0, "ECONNRESET")].map(isFailure)).toEqual([false, false, true, true, true]);
  });

  test("a window counts the requests that started in it, its failures and the phases answered", () => {
    const w = loadWindow([r(5, 200, undefined, "path"), r(10, 200, undefined, "path"), r(15, 0, "ECONNREFUSED"), r(19, 200, undefined, "weighted"), r(20, 502)], 10, 20);
    expect(w).toMatchObject({ requests: 3, failed: 1, phases: { path: 1, weighted: 1 } });
    expect(w.examples[0]).toMatch(/ECONNREFUSED/);
  });
});

describe("containers", () => {
  const inspect = (id: string, startedAt: string, running = true) => ({
    Id: id,
    Name: "/tandem-web",
    RestartCount: 0,
    State: { Status: running ? "running" : "exited", Running: running, StartedAt: startedAt, ExitCode: 0, Health: { Status: "healthy" } },
    Config: { Hostname: id.slice(0, 12), Labels: { "tandem.service": "web" } },
    NetworkSettings: { Networks: { tandem: {}, netbox_default: {} } },
  });

  test("docker inspect becomes name, id, start time, health, networks and host name", () => {
    const [c] = parseInspect(JSON.stringify([inspect("a".repeat(64), "2026-01-01T00:00:00Z")]));
    expect(c).toMatchObject({ name: "tandem-web", health: "healthy", networks: ["netbox_default", "tandem"], hostname: "aaaaaaaaaaaa", labels: { "tandem.service": "web" } });
  });

  test("a replaced, restarted, stopped or removed container is named; an untouched one is not", () => {
    const state = (id: string, startedAt: string, running = true): ContainerState => parseInspect(JSON.stringify([inspect(id, startedAt, running)]))[0];
    const before = new Map([["a", state("1", "t0")], ["b", state("2", "t0")], ["c", state("3", "t0")], ["d", state("4", "t0")], ["e", state("5", "t0")]]);
    const after = new Map([["a", state("1", "t0")], ["b", state("9", "t1")], ["c", state("3", "t1")], ["d", state("4", "t0", false)]]);
    expect(changedContainers(before, after).map((l) => l.split(":")[0] + ":" + l.split(":")[1].split(" ")[1])).toEqual(["b:replaced", "c:restarted", "d:no", "e:gone"]);
  });
});

describe("steps", () => {
  test("a step runs when what it needs passed, is skipped naming the blocker otherwise, fails on a throw", async () => {
    const steps = new Steps("dev", () => undefined);
    await steps.run("synth", [], () => "ok");
    await steps.run("engine", [], () => {
      throw new SkipStep("dockerd not found");
    });
    await steps.run("images", ["engine"], () => "never");
    await steps.run("legacy", ["synth"], () => {
      throw new Error("boom");
    });
    expect(steps.results.map((r) => [r.step, r.status, r.summary])).toEqual([
      ["synth", "passed", "ok"],
      ["engine", "skipped", "dockerd not found"],
      ["images", "skipped", "needs engine, which skipped"],
      ["legacy", "failed", "boom"],
    ]);
  });

  test("a run that cannot start reports every step skipped with the one reason", () => {
    const steps = new Steps("dev", () => undefined);
    steps.skipRest("provider kreuzwerker/docker 3.6.2 not available");
    expect(steps.results.map((r) => r.step)).toEqual([...E2E_STEPS]);
    expect(new Set(steps.results.map((r) => r.status))).toEqual(new Set(["skipped"]));
  });

  test("an unexpected error fails the step that was next and skips the rest but cleanup", async () => {
    const steps = new Steps("dev", () => undefined);
    await steps.run("synth", [], () => "ok");
    steps.failRest("Error: surprise\n    at somewhere");
    expect(steps.results[1]).toMatchObject({ step: "engine", status: "failed", summary: "stopped: Error: surprise" });
    expect(steps.results.some((r) => r.step === "cleanup")).toBe(false);
    expect(steps.results.slice(2).every((r) => r.status === "skipped")).toBe(true);
  });
});
