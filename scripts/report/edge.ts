/**
 * The front door, read from the synthesized stack: a Google HTTPS load balancer when the stack has one, else the
 * router's own Kubernetes LoadBalancer Service, else the router container's published port (Docker).
 */
import { FrontDoorModel } from "./model";
import { isObject, list, str, SynthResource } from "./terraform-json";

/** Resource types of a Google Cloud load balancer in front of the router, with how to describe each. */
const LOAD_BALANCER_TYPES: Readonly<Record<string, (r: SynthResource) => string>> = {
  google_compute_global_forwarding_rule: (r) => `forwarding rule ${name(r)}${port(r)}`,
  google_compute_forwarding_rule: (r) => `forwarding rule ${name(r)}${port(r)}`,
  google_compute_target_https_proxy: (r) => `HTTPS proxy ${name(r)}`,
  google_compute_target_http_proxy: (r) => `HTTP proxy ${name(r)}`,
  google_compute_url_map: (r) => `URL map ${name(r)}`,
  google_compute_managed_ssl_certificate: (r) => `managed certificate ${name(r)}${domains(r)}`,
  google_certificate_manager_certificate: (r) => `certificate ${name(r)}${domains(r)}`,
  google_compute_backend_service: (r) => `backend service ${name(r)}`,
  google_compute_security_policy: (r) => `Cloud Armor policy ${name(r)}`,
  kubernetes_ingress_v1: (r) => `Ingress ${name(r)}`,
};

function name(r: SynthResource): string {
  const n = str(r.body, "name") ?? str(r.body, "metadata.name");
  return n && !n.includes("${") ? n : r.name;
}

function port(r: SynthResource): string {
  const p = str(r.body, "port_range");
  return p ? ` :${p}` : "";
}

function domains(r: SynthResource): string {
  const d = [...list(r.body, "managed.domains"), ...list(r.body, "managed.domains.0")].filter((x): x is string => typeof x === "string");
  return d.length > 0 ? ` (${[...new Set(d)].join(", ")})` : "";
}

export function frontDoorOf(resources: readonly SynthResource[], routerName: string): FrontDoorModel {
  const lb = resources.filter((r) => r.type in LOAD_BALANCER_TYPES);
  if (lb.length > 0) return { title: "HTTPS load balancer", lines: lb.map((r) => LOAD_BALANCER_TYPES[r.type](r)) };
  const service = resources.find((r) => r.type.startsWith("kubernetes_service") && str(r.body, "metadata.name") === routerName && str(r.body, "spec.type") === "LoadBalancer");
  if (service) {
    const ports = list(service.body, "spec.port").filter(isObject);
    const text = ports.map((p) => `:${str(p, "port")} → router :${str(p, "target_port")}`).join(", ");
    return { title: "Kubernetes LoadBalancer", lines: [`Service ${routerName} ${text}`, "a Google network load balancer (TCP)"] };
  }
  const container = resources.find((r) => r.type === "docker_container" && str(r.body, "name") === routerName);
  if (container) {
    const ports = list(container.body, "ports").filter(isObject);
    return {
      title: "Docker host",
      lines: ports.length > 0 ? ports.map((p) => `${str(p, "ip") ?? "0.0.0.0"}:${str(p, "external")} → router :${str(p, "internal")}`) : ["no published port"],
    };
  }
  return { title: "no front door found", lines: [`nothing in the stack publishes ${routerName}`] };
}
