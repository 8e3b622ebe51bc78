/**
 * What makes the Kubernetes target's Deployments (each service and the router) serving workloads: replicas an HPA
 * owns or a fixed count, a PDB selecting exactly their pods, spread over zones and nodes, a preStop drain and a grace
 * period that covers it. The pieces are the shared ones blue-green colours use (src/scaling); these are the hooks
 * kubernetes-target.ts calls.
 */
import type { DeploymentV1SpecTemplateSpecTopologySpreadConstraint } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import type { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import type { TerraformResourceLifecycle } from "cdktf";
import type { Construct } from "constructs";
import { scaleFloor, type ServingScale } from "../../scaling/scaling";
import { autoscaler, disruptionBudget, gracePeriodSeconds, HPA_OWNED_REPLICAS, spreadOverZonesAndNodes } from "../../scaling/private/serving";

export { preStopDrain } from "../../scaling/private/serving";

/**
 * The router's drain: nginx keeps serving this long after the pod starts terminating (while the endpoints and the
 * load balancer's backends drop it), then gets SIGQUIT (the image's stop signal) and finishes its open requests.
 * Longer than a service's: a load balancer's backend update takes longer than kube-proxy's.
 */
export const ROUTER_DRAIN_SECONDS = 15;

/** `spec.replicas` of a serving Deployment: the fixed count, or the HPA's minimum to start from. */
export function servingReplicas(scale: ServingScale): string {
  return String(scaleFloor(scale));
}

/** The Deployment resource's lifecycle: with an HPA, Terraform leaves `spec.replicas` to it. */
export function servingLifecycle(scale: ServingScale): TerraformResourceLifecycle | undefined {
  return scale.kind === "autoscaled" ? { ignoreChanges: HPA_OWNED_REPLICAS } : undefined;
}

/** The pod template's spread over zones and nodes and a grace period that covers the drain. */
export function servingPodSpec(selector: Readonly<Record<string, string>>, drainSeconds: number): { terminationGracePeriodSeconds: number; topologySpreadConstraint: DeploymentV1SpecTemplateSpecTopologySpreadConstraint[] } {
  return { terminationGracePeriodSeconds: gracePeriodSeconds(drainSeconds), topologySpreadConstraint: spreadOverZonesAndNodes(selector) };
}

export interface ServingProtectionProps {
  /** The Deployment's name; the HPA and PDB take it too. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The Deployment's selector: the PDB selects exactly its pods. */
  readonly selector: Readonly<Record<string, string>>;
  readonly scale: ServingScale;
}

/** The HPA (when autoscaled) and the PDB of one serving Deployment, under the ids given (they are addresses). */
export function protectServing(scope: Construct, ids: { readonly hpa: string; readonly pdb: string }, p: ServingProtectionProps): { autoscaler?: HorizontalPodAutoscalerV2; disruptionBudget: PodDisruptionBudgetV1 } {
  const s = p.scale;
  const hpa = s.kind === "autoscaled" ? autoscaler(scope, ids.hpa, { name: p.name, namespace: p.namespace, labels: p.labels, deploymentName: p.name, minReplicas: s.minReplicas, autoscaling: s }) : undefined;
  const pdb = disruptionBudget(scope, ids.pdb, { name: p.name, namespace: p.namespace, labels: p.labels, selector: p.selector, floor: scaleFloor(s) });
  return { autoscaler: hpa, disruptionBudget: pdb };
}
