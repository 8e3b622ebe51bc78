import { types } from "node:util";

// Construct stack traces: `Testing.app()` already records none (cdktf's testing default is `stackTraces: false`),
// and no test makes an `App` of its own. This file loads no cdktf: a third of the suites never use it, and loading
// it costs each of them ~0.1 s.
//
// Token stack traces: cdktf records a full stack trace for every token it creates (`Error.captureStackTrace` on a
// plain object, read at once), whatever `stackTraces` says. Under jest every such trace went through
// source-map-support, which parses the inline source map of each cdktf file on the stack and maps every frame: half
// the CPU time of the suites that synthesize. Those traces only feed cdktf's own "token created at" messages, so
// they keep their innermost frames, unmapped (collecting and formatting all ~50 frames of a jest stack still cost a
// fifth of the time). Real errors (instances of Error: failed assertions, exceptions) are captured as before and
// get their whole stack through source-map-support, pointing at the .ts lines.
const TOKEN_FRAMES = 8;
const isReal = (x: object) => types.isNativeError(x) || x instanceof Error;
// Collected with that many frames only (cdktf raises the limit to the maximum for each), as scripts/run-ts.cjs does.
const capture = Error.captureStackTrace;
Error.captureStackTrace = (target: object, constructorOpt?: Function) => {
  if (isReal(target) || !(Error.stackTraceLimit > TOKEN_FRAMES)) return capture(target, constructorOpt);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = TOKEN_FRAMES;
  try {
    capture(target, constructorOpt);
  } finally {
    Error.stackTraceLimit = limit;
  }
};
const mapped = Error.prepareStackTrace;
if (mapped) {
  Error.prepareStackTrace = (error: object, frames: NodeJS.CallSite[]) =>
    isReal(error) ? mapped(error, frames) : ["", ...frames.slice(0, TOKEN_FRAMES).map((frame) => `    at ${String(frame)}`)].join("\n");
}
