/**
 * The e2e steps as results for scripts/terraform/lib/report.ts: each step runs when the steps it needs passed, and is
 * skipped (naming the one that did not) otherwise; a throw fails it with the message.
 */
import { failed, passed, skipped, StepResult, StepStatus } from "../terraform/lib/report";
import { indent } from "../terraform/lib/run";

/** Every step of `npm run test:e2e`, in order: a run that cannot start reports each of them skipped. */
export const E2E_STEPS = [
  "synth",
  "engine",
  "images",
  "legacy",
  "ports:check",
  "deploy",
  "host ports",
  "health checks",
  "filesystem",
  "networks",
  "routing",
  "websocket",
  "health endpoints",
  "access log",
  "drift",
  "phase weighted",
  "weighted routing",
  "rollback path",
  "containers kept",
  "drift after rollback",
  "destroy",
  "legacy untouched",
  "cleanup",
] as const;
export type E2eStep = (typeof E2E_STEPS)[number];

/** Thrown by a step that cannot run here: it is skipped with the reason, not failed. */
export class SkipStep extends Error {}

export class Steps {
  readonly results: StepResult[] = [];
  private readonly status = new Map<string, StepStatus>();

  constructor(
    private readonly subject: string,
    private readonly log: (line: string) => void = console.log,
  ) {}

  /** Runs a step unless one it needs did not pass; returns whether it passed. */
  async run(step: E2eStep, needs: readonly E2eStep[], body: () => Promise<string> | string): Promise<boolean> {
    const blocker = needs.find((n) => this.status.get(n) !== "passed");
    if (blocker) {
      this.record(skipped(this.subject, step, `needs ${blocker}, which ${this.status.get(blocker) ?? "did not run"}`));
      return false;
    }
    this.log(`\n==> ${step}`);
    try {
      this.record(passed(this.subject, step, await body()));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.record(e instanceof SkipStep ? skipped(this.subject, step, message) : failed(this.subject, step, message));
    }
    return this.status.get(step) === "passed";
  }

  /** Whether the step has a result. */
  has(step: E2eStep): boolean {
    return this.status.has(step);
  }

  /** Every step not recorded yet, skipped with one reason (the run could not start). */
  skipRest(reason: string): void {
    for (const step of E2E_STEPS) if (!this.status.has(step)) this.record(skipped(this.subject, step, reason), false);
  }

  /** The run stopped on an unexpected error: the next step fails with it, the others are skipped. */
  failRest(message: string): void {
    const next = E2E_STEPS.find((step) => !this.status.has(step) && step !== "cleanup");
    if (next) this.record(failed(this.subject, next, `stopped: ${message.split("\n")[0]}`));
    this.log(indent(message));
    for (const step of E2E_STEPS) if (!this.status.has(step) && step !== "cleanup") this.record(skipped(this.subject, step, `not run: the run stopped at ${next}`), false);
  }

  private record(r: StepResult, print = true): void {
    this.results.push(r);
    this.status.set(r.step, r.status);
    if (print) this.log(`    ${r.status.toUpperCase()}: ${r.summary}`);
  }
}
