/**
 * `npm run ports` and `ports:check` on an environment whose plan conflicts: exit 1 and a message naming both
 * claimants. In-process, with the environments module replaced (the scripts only run main when executed).
 */
jest.mock("../../environments", () => {
  const actual = jest.requireActual<typeof import("../../environments")>("../../environments");
  const dev = actual.environments.dev;
  return {
    environments: {
      ...actual.environments,
      // web pinned on the legacy web port; graphql and websocket on one port.
      dev: { ...dev, platform: { ...dev.platform, services: { ...dev.platform.services, web: { ...dev.platform.services.web, port: 8000 }, websocket: { ...dev.platform.services.websocket, port: 8102 } } } },
    },
  };
});

import { ports } from "../../scripts/ports";
import { portsCheck } from "../../scripts/ports-check";

function captured(): { text: () => string; restore: () => void } {
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
  const error = jest.spyOn(console, "error").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
  const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  return {
    text: () => lines.join("\n"),
    restore: () => {
      log.mockRestore();
      error.mockRestore();
      write.mockRestore();
    },
  };
}

test("npm run ports -- dev exits 1 on a conflict, naming the port and both claimants", () => {
  const out = captured();
  try {
    expect(ports(["dev"])).toBe(1);
  } finally {
    out.restore();
  }
  expect(out.text()).toMatch(/platform\.services\.web\.port = 8000: port 8000: service "web" and legacy web: reserved by the legacy system/);
  expect(out.text()).toMatch(/port 8102: service "graphql" and service "websocket": claimed twice/);
  expect(out.text()).not.toMatch(/^service\s+category/m);
});

test("npm run ports:check -- dev exits 1 on a conflicting plan without binding anything", async () => {
  const out = captured();
  try {
    expect(await portsCheck(["dev"])).toBe(1);
  } finally {
    out.restore();
  }
  expect(out.text()).toMatch(/port 8000: service "web" and legacy web/);
  expect(out.text()).not.toMatch(/^(free |TAKEN)/m);
});

test("the other environments still plan", () => {
  const out = captured();
  try {
    expect(ports(["staging"])).toBe(0);
  } finally {
    out.restore();
  }
  expect(out.text()).toMatch(/router\s+public\s+300\d\d/);
});
