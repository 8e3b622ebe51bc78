/**
 * The Kubernetes pieces every serving workload (platform service, migration router, blue-green colour) is protected
 * with, built once: HPA, PDB, topology spread, preStop drain. The constructs call these; none of them creates ids
 * of its own, so each caller keeps its addresses.
 */
import type { DeploymentV1SpecTemplateSpecContainerLifecycle, DeploymentV1SpecTemplateSpecTopologySpreadConstraint } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { PodDisruptionBudgetV1, PodDisruptionBudgetV1Spec } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { Construct } from "constructs";
import type { AutoscalingSpec } from "../scaling";

/**
 * What Terraform must not reset on a Deployment an HPA scales (kubernetes provider issue #584): the HPA owns the
 * count, and a deploy that wrote `spec.replicas` back would scale a loaded workload down to its minimum.
 */
export const HPA_OWNED_REPLICAS = ["spec[0].replicas"];

/** Seconds a stopping pod's process gets after its preStop drain (SIGTERM/SIGQUIT to SIGKILL). */
export const SHUTDOWN_SECONDS = 30;

/**
 * Spread over zones and nodes, both `ScheduleAnyway`: the scheduler places pods as evenly as it can (maxSkew 1), but
 * never leaves one pending for it. `DoNotSchedule` would keep replacement pods pending during a zone outage and on
 * a cordoned node's drain (both domains still count, with no pods in them), exactly when they are needed; the PDB,
 * not the scheduler, is what keeps pods available. `pod-template-hash` spreads each rollout's new pods on their own.
 */
export function spreadOverZonesAndNodes(selector: Readonly<Record<string, string>>): DeploymentV1SpecTemplateSpecTopologySpreadConstraint[] {
  return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: [{ matchLabels: { ...selector } }],
    matchLabelKeys: ["pod-template-hash"],
  }));
}

/**
 * A preStop `sleep`: the pod keeps serving while the endpoints controller, kube-proxy and load balancers stop
 * sending it requests, and only then gets its stop signal. Needs `sleep` in the image (the provider has no native
 * sleep handler); 0 turns it off.
 */
export function preStopDrain(seconds: number): DeploymentV1SpecTemplateSpecContainerLifecycle | undefined {
  return seconds > 0 ? { preStop: [{ exec: { command: ["sleep", String(seconds)] } }] } : undefined;
}

/** The grace period that covers the drain and then the process's own shutdown. */
export function gracePeriodSeconds(drainSeconds: number): number {
  return drainSeconds + SHUTDOWN_SECONDS;
}

export interface AutoscalerProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The Deployment it scales (by name: the Deployment may depend on its HPA). */
  readonly deploymentName: string;
  readonly minReplicas: number;
  readonly autoscaling: Required<AutoscalingSpec>;
}

/** HPA v2 on CPU and memory with seed 003's behaviour: up 100 % per 30 s, down 50 % per minute after 5 min of calm. */
export function autoscaler(scope: Construct, id: string, p: AutoscalerProps): HorizontalPodAutoscalerV2 {
  return new HorizontalPodAutoscalerV2(scope, id, {
    metadata: { name: p.name, namespace: p.namespace, labels: { ...p.labels } },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: p.deploymentName },
      minReplicas: p.minReplicas,
      maxReplicas: p.autoscaling.maxReplicas,
      metric: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: p.autoscaling.cpuPercent } } },
        { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: p.autoscaling.memoryPercent } } },
      ],
      behavior: {
        scaleUp: [{ stabilizationWindowSeconds: 0, selectPolicy: "Max", policy: [{ type: "Percent", value: 100, periodSeconds: 30 }] }],
        scaleDown: [{ stabilizationWindowSeconds: 300, selectPolicy: "Max", policy: [{ type: "Percent", value: 50, periodSeconds: 60 }] }],
      },
    },
  });
}

/**
 * A PDB's spec. `maxUnavailable: 1` unless `minAvailable` is asked for and the workload's floor runs more pods than
 * that: one pod at a time may go, however far an HPA scaled the workload, and a single-pod workload can still be
 * drained (`minAvailable: 1` there would block every drain until GKE's one-hour timeout forces it).
 */
export function disruptionBudgetSpec(selector: Readonly<Record<string, string>>, floor: number, minAvailable?: number): PodDisruptionBudgetV1Spec {
  const matchLabels = { ...selector };
  return minAvailable !== undefined && floor > minAvailable ? { minAvailable: String(minAvailable), selector: { matchLabels } } : { maxUnavailable: "1", selector: { matchLabels } };
}

export interface DisruptionBudgetProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Exactly the workload's pods (its Deployment's selector). */
  readonly selector: Readonly<Record<string, string>>;
  readonly floor: number;
  readonly minAvailable?: number;
}

export function disruptionBudget(scope: Construct, id: string, p: DisruptionBudgetProps): PodDisruptionBudgetV1 {
  return new PodDisruptionBudgetV1(scope, id, {
    metadata: { name: p.name, namespace: p.namespace, labels: p.labels ? { ...p.labels } : undefined },
    spec: disruptionBudgetSpec(p.selector, p.floor, p.minAvailable),
  });
}
