import * as fs from "node:fs";
import * as path from "node:path";
import { App, AnnotationMetadataEntryType } from "cdktf";
import { IConstruct } from "constructs";

/** Options for {@link synthesizeAtomically}. */
export interface AtomicSynthOptions {
  /**
   * Where the synthesized stacks go.
   * @default - `$CDKTF_OUTDIR` (set by the cdktf CLI), else `cdktf.out`
   */
  readonly outdir?: string;
}

/** The result of a successful synth. */
export interface AtomicSynthResult {
  readonly outdir: string;
  readonly stacks: readonly string[];
  /** Every warning annotation, as `[path] message`: advice that does not stop synth. */
  readonly warnings: readonly string[];
}

/** Thrown when the app has validation errors or error annotations; nothing was written. */
export class SynthError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Synth failed; cdktf.out was left as it was.\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SynthError";
  }
}

/**
 * Builds and synthesizes an app so that the output directory is either fully updated or untouched.
 *
 * The app is synthesized into a sibling temporary directory; every validation error and error
 * annotation of every stack is collected (the cdktf CLI tells cdktf to continue past error
 * annotations, so we check them here); only when there are none are the stack files moved
 * into place. Other files in the output directory (e.g. `.terraform/` working state) are kept.
 */
export function synthesizeAtomically(build: (app: App) => void, options: AtomicSynthOptions = {}): AtomicSynthResult {
  const outdir = path.resolve(options.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out");
  const tmp = `${outdir}.tandem-tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(tmp), { recursive: true });
  try {
    // No construct stack traces: capturing one per construct (source-mapped by tsx) costs a third of synth time.
    const app = new App({ outdir: tmp, stackTraces: false });
    try {
      build(app);
      app.synth();
    } catch (e) {
      throw new SynthError([e instanceof Error ? e.message : String(e)]);
    }
    const errors = errorAnnotations(app);
    if (errors.length > 0) throw new SynthError(errors);
    const stacks = publish(tmp, outdir);
    return { outdir, stacks, warnings: annotations(app, AnnotationMetadataEntryType.WARN) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every error annotation in the tree, as `[path] message`. */
export function errorAnnotations(root: IConstruct): string[] {
  return annotations(root, AnnotationMetadataEntryType.ERROR);
}

function annotations(root: IConstruct, type: string): string[] {
  return root.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => `[${c.node.path}] ${String(m.data)}`));
}

function publish(tmp: string, outdir: string): string[] {
  const manifestPath = path.join(tmp, "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { stacks: Record<string, { workingDirectory: string }> };
  const stacks = Object.keys(manifest.stacks);
  for (const stack of stacks) {
    const from = path.join(tmp, manifest.stacks[stack].workingDirectory);
    const to = path.join(outdir, manifest.stacks[stack].workingDirectory);
    fs.mkdirSync(to, { recursive: true });
    for (const file of fs.readdirSync(from)) {
      // Same filesystem (sibling directory), so each rename is atomic.
      fs.renameSync(path.join(from, file), path.join(to, file));
    }
  }
  fs.renameSync(manifestPath, path.join(outdir, "manifest.json"));
  return stacks;
}
