/**
 * Deploy-readiness rules for every stack, ours or another team's: `Aspects.of(stack).add(new DeployReadiness())`.
 * Each rule is a small pure function over the stack's resources (rules/, one per file); a finding becomes an error or
 * warning annotation on the construct that made the resource, naming the rule, the value and the fix. A finding is
 * suppressed only with a written reason: `suppressRule(construct, "TANDEM-IMG-1", "Pulled through the mirror, PLAT-7.")`.
 */
import { Annotations, IAspect, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { Finding, policyContext, PolicyRule, StackJson } from "./context";
import { apisEnabled } from "./rules/apis-enabled";
import { nameLimits } from "./rules/name-limits";
import { documentationRanges, exampleHosts } from "./rules/placeholders";
import { registryRead } from "./rules/registry-read";

/** The rules DeployReadiness runs unless told otherwise. */
export const DEPLOY_READINESS_RULES: readonly PolicyRule[] = [apisEnabled, registryRead, nameLimits, documentationRanges, exampleHosts];

const SUPPRESSION = "tandem:policy-suppression";

/** Suppresses a rule on a construct and everything under it, with the reason a reviewer reads. */
export function suppressRule(scope: IConstruct, ruleId: string, reason: string): void {
  if (reason.trim().split(/\s+/).length < 4) throw new Error(`${scope.node.path}: suppressing ${ruleId} needs a reason in a sentence (4 words or more), got "${reason}".`);
  scope.node.addMetadata(SUPPRESSION, { rule: ruleId, reason });
}

export interface DeployReadinessProps {
  /** @default DEPLOY_READINESS_RULES */
  readonly rules?: readonly PolicyRule[];
}

export class DeployReadiness implements IAspect {
  constructor(private readonly props: DeployReadinessProps = {}) {}

  private readonly registered = new WeakSet<TerraformStack>();

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack) || this.registered.has(node)) return;
    this.registered.add(node);
    // Checked as a validation: those run after every aspect, so the rules see the stack as it will be written
    // (aspects that visit its resources after this one included).
    node.node.addValidation({ validate: () => { this.check(node); return []; } });
  }

  private check(node: TerraformStack): void {
    const context = policyContext(node.toTerraform() as StackJson);
    const byPath = new Map(node.node.findAll().map((c) => [c.node.path, c]));
    for (const rule of this.props.rules ?? DEPLOY_READINESS_RULES) {
      const findings = rule.check(context);
      const warnings: Finding[] = [];
      for (const f of findings) {
        const target = nearest(byPath, f.path) ?? node;
        if (suppressed(target, rule.id)) continue;
        if (rule.level === "error") Annotations.of(target).addError(`${rule.id}: ${f.message} (value ${JSON.stringify(f.value)}); ${f.fix}`);
        else warnings.push(f);
      }
      // Warnings are many and alike (one placeholder in fifty grants): one per rule and stack, a line per value.
      if (warnings.length > 0) Annotations.of(node).addWarning(`${rule.id}: ${rule.summary}; ${warnings[0].fix}:\n${byValue(warnings)}`);
    }
  }
}

/** `    value: 3 resources (a, b and 1 more)`, a line per distinct value, most used first. */
function byValue(findings: readonly Finding[]): string {
  const paths = new Map<string, string[]>();
  for (const f of findings) for (const v of Array.isArray(f.value) ? f.value : [f.value]) paths.set(String(v), [...(paths.get(String(v)) ?? []), f.path]);
  return [...paths.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([v, ps]) => `    ${v}: ${ps.length === 1 ? ps[0] : `${ps.length} resources (${ps.slice(0, 2).join(", ")}${ps.length > 2 ? ` and ${ps.length - 2} more` : ""})`}`)
    .join("\n");
}

/** The construct at a path, or its closest ancestor in the tree. */
function nearest(byPath: Map<string, IConstruct>, path: string): IConstruct | undefined {
  for (let p = path; p.length > 0; p = p.slice(0, Math.max(0, p.lastIndexOf("/")))) {
    const c = byPath.get(p);
    if (c) return c;
    if (!p.includes("/")) break;
  }
  return undefined;
}

function suppressed(scope: IConstruct, ruleId: string): boolean {
  for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
    if (c.node.metadata.some((m) => m.type === SUPPRESSION && (m.data as { rule: string }).rule === ruleId)) return true;
  }
  return false;
}
