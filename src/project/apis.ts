/**
 * Every Google API a stack uses, enabled by the stack itself and before the resources that need it: an Aspect reads
 * the resources actually in the stack, maps each type to its API, adds one `google_project_service` per API
 * (`disable_on_destroy = false`: destroying a stack never turns an API off for others) and makes every resource depend
 * on its API. A construct added later, or another team's stack built from our constructs, cannot forget one.
 */
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { IAspect, TerraformResource, TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";

/** Resource type prefix -> the APIs its resources need (longest prefix wins). */
export const API_BY_RESOURCE_PREFIX: Readonly<Record<string, readonly string[]>> = {
  google_compute_: ["compute.googleapis.com"],
  google_container_: ["container.googleapis.com"],
  google_sql_: ["sqladmin.googleapis.com"],
  google_service_networking_connection: ["servicenetworking.googleapis.com"],
  google_redis_: ["redis.googleapis.com"],
  google_secret_manager_: ["secretmanager.googleapis.com"],
  google_monitoring_: ["monitoring.googleapis.com"],
  google_logging_: ["logging.googleapis.com"],
  google_service_account: ["iam.googleapis.com"],
  google_project_iam_: ["cloudresourcemanager.googleapis.com"],
  google_iam_workload_identity_pool: ["iam.googleapis.com", "sts.googleapis.com", "iamcredentials.googleapis.com"],
  google_storage_: ["storage.googleapis.com"],
  google_binary_authorization_: ["binaryauthorization.googleapis.com"],
  google_certificate_manager_: ["certificatemanager.googleapis.com"],
  google_dns_: ["dns.googleapis.com"],
  google_artifact_registry_: ["artifactregistry.googleapis.com"],
};

/** APIs a resource needs beyond its type's, from its settings. */
function extraApis(resource: TerraformResource): string[] {
  // Enforcing Binary Authorization on a cluster needs its API even when the policy lives elsewhere.
  if (resource.terraformResourceType === "google_container_cluster") {
    const mode = (resource.toTerraform() as { resource?: Record<string, Record<string, { binary_authorization?: { evaluation_mode?: string } }>> }).resource?.google_container_cluster;
    const evaluation = mode ? Object.values(mode)[0]?.binary_authorization?.evaluation_mode : undefined;
    if (evaluation && evaluation !== "DISABLED") return ["binaryauthorization.googleapis.com"];
  }
  return [];
}

/** The APIs a resource type needs, by the longest matching prefix; none for types we do not know. */
export function apisFor(resourceType: string): readonly string[] {
  const prefix = Object.keys(API_BY_RESOURCE_PREFIX)
    .filter((p) => resourceType.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? API_BY_RESOURCE_PREFIX[prefix] : [];
}

export interface EnableApisProps {
  /** The project the APIs are enabled in (the stack's resources live there). */
  readonly project: string;
  /**
   * APIs to enable whatever the resources are (e.g. ones a workload calls at run time).
   * @default []
   */
  readonly alsoEnable?: readonly string[];
}

/**
 * Apply to a stack: `Aspects.of(stack).add(new EnableApis({ project }))`. The API resources are created under a
 * construct `apis` of the stack, keyed by API name, so adding a resource of a new kind only adds an API.
 */
export class EnableApis implements IAspect {
  /** The `google_project_service` of each API, after the stack was visited. */
  readonly services = new Map<string, ProjectService>();

  constructor(private readonly props: EnableApisProps) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack)) return;
    const resources = node.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType.startsWith("google_") && c.terraformResourceType !== "google_project_service");
    const scope = (node.node.tryFindChild("apis") as Construct | undefined) ?? new Construct(node, "apis");
    const service = (api: string) => {
      let s = this.services.get(api) ?? (scope.node.tryFindChild(api) as ProjectService | undefined);
      if (!s) s = new ProjectService(scope, api, { project: this.props.project, service: api, disableOnDestroy: false, disableDependentServices: false });
      this.services.set(api, s);
      return s;
    };
    for (const api of this.props.alsoEnable ?? []) service(api);
    for (const r of resources) {
      const needs = [...new Set([...apisFor(r.terraformResourceType), ...extraApis(r)])];
      // depends_on takes bare addresses (`type.name`), not interpolations.
      const fqns = needs.map((api) => { const s = service(api); return `${s.terraformResourceType}.${s.friendlyUniqueId}`; });
      if (fqns.length > 0) r.dependsOn = [...new Set([...(r.dependsOn ?? []), ...fqns])];
    }
  }
}
