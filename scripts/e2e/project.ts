/**
 * A scratch copy of the project for the e2e test, which edits environments/dev.ts for the phase change and keeps
 * Terraform's state and cdktf.out there: the real checkout is never written to.
 */
import fs from "node:fs";
import path from "node:path";
import { run } from "../terraform/lib/run";

/** Copies the tracked files of `repo` (as they are in its work tree) into `dir`, and links its node_modules. */
export function copyProject(repo: string, dir: string): number {
  const files = run("git", ["-C", repo, "ls-files", "-z"], { timeoutSeconds: 60 });
  if (files.code !== 0) throw new Error(`git ls-files: ${files.error ?? files.stderr.trim()}`);
  let copied = 0;
  for (const file of files.stdout.split("\0").filter(Boolean)) {
    const from = path.join(repo, file);
    // A tracked file deleted in the work tree is not part of the project as it stands.
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
    copied++;
  }
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"));
  return copied;
}

/**
 * environments/dev.ts with the router's phase (and weight) set: the edit a person makes to move the migration.
 * Only the `router: { ... }` object of the platform changes; throws if there is none to edit.
 */
export function withRouterPhase(source: string, phase: string, weightPercent?: number): string {
  const router = /(\brouter:\s*\{)([^{}]*)(\})/;
  const m = router.exec(source);
  if (!m) throw new Error("no `router: { ... }` object in the environment file");
  let body = m[2].replace(/,?\s*weightPercent:\s*[\d.]+/, "");
  if (!/\bphase:\s*"[a-z]+"/.test(body)) throw new Error("the router object has no phase");
  body = body.replace(/\bphase:\s*"[a-z]+"/, `phase: "${phase}"${weightPercent === undefined ? "" : `, weightPercent: ${weightPercent}`}`);
  return source.slice(0, m.index) + m[1] + body + m[3] + source.slice(m.index + m[0].length);
}

/** Sets the phase in the copy's environments/<env>.ts. */
export function setRouterPhase(project: string, env: string, phase: string, weightPercent?: number): void {
  const file = path.join(project, "environments", `${env}.ts`);
  fs.writeFileSync(file, withRouterPhase(fs.readFileSync(file, "utf8"), phase, weightPercent));
}
