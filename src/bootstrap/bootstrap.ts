/**
 * What must exist before an environment's stack can be planned or deployed: the versioned state bucket, and the
 * identities CI uses, federated from GitHub Actions (no service account key anywhere):
 * - the planner: read-only (project viewer, IAM policy reader, state objects read); the PR preview plans with it
 *   (`-lock=false`), from the repository's `<env>-plan` GitHub environment only;
 * - the deployer: the roles the environment's resources need, derived from its stack, and project IAM admin limited
 *   to granting exactly the roles the stack grants, from the repository's `<env>` GitHub environment only.
 */
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamAuditConfig } from "@cdktf/provider-google/lib/project-iam-audit-config";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { Annotations, TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { serviceAccountId } from "../validation/ids";
import { applyProblems } from "../validation/problem";
import { deployerRolesFor, onlyGrants } from "./deployer-roles";
import { bootstrapProblems } from "./rules";

/** What a team writes (the `ci` section of an environment). */
export interface BootstrapOptions {
  /** The GitHub repository whose workflows plan and deploy, `owner/name`. */
  readonly repository: string;
  /**
   * The GitHub environment the PR preview's plan job runs in (bind a required reviewer to production's).
   * @default "<environment>-plan"
   */
  readonly planEnvironment?: string;
  /**
   * The GitHub environment deploy jobs run in.
   * @default "<environment>"
   */
  readonly deployEnvironment?: string;
  /**
   * Old state versions kept in the bucket (each apply writes one).
   * @default 30
   */
  readonly stateVersionsKept?: number;
}

/** Props for {@link Bootstrap}. */
export interface BootstrapProps extends BootstrapOptions {
  /** The environment's name (`staging`): names the identities and the default GitHub environments. */
  readonly environment: string;
  readonly project: string;
  readonly region: string;
  /** The state bucket's name (the environment stack's GCS backend). */
  readonly stateBucket: string;
  /** The stack the deployer deploys: its roles, and the grants it may make, are read from it at synth. */
  readonly deploys: TerraformStack;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/** Planner roles: read everything a refresh reads, change nothing. */
export const PLANNER_ROLES = [
  "roles/viewer",
  // IAM policies of projects and service accounts, which the stack's grants refresh.
  "roles/iam.securityReviewer",
  // The cluster's DNS endpoint (container.clusters.connect) and its objects, secrets excepted (the stack has none).
  "roles/container.viewer",
] as const;
/** GitHub Actions' OIDC issuer. */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

export const BOOTSTRAP_DEFAULTS = { stateVersionsKept: 30 } as const;

export class Bootstrap extends Construct {
  readonly stateBucket: StorageBucket;
  readonly pool: IamWorkloadIdentityPool;
  readonly provider: IamWorkloadIdentityPoolProvider;
  readonly planner: ServiceAccount;
  readonly deployer: ServiceAccount;
  /** `projects/<number>/locations/global/workloadIdentityPools/github/providers/github-actions`: what `google-github-actions/auth` takes. */
  readonly workloadIdentityProvider: string;

  constructor(scope: Construct, id: string, props: BootstrapProps) {
    super(scope, id);
    applyProblems(this, bootstrapProblems(props, props.environment));
    const { project } = props;
    const labels = props.labels ?? {};

    this.stateBucket = new StorageBucket(this, "state", {
      project,
      name: props.stateBucket,
      location: props.region,
      // State holds secrets (Memorystore's AUTH string): no ACLs, never public, every version kept a while.
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      lifecycleRule: [{ action: { type: "Delete" }, condition: { numNewerVersions: props.stateVersionsKept ?? BOOTSTRAP_DEFAULTS.stateVersionsKept, withState: "ARCHIVED" } }],
      softDeletePolicy: { retentionDurationSeconds: 7 * 24 * 3600 },
      forceDestroy: false,
      labels,
      lifecycle: { preventDestroy: true },
    });

    // The subject of a job in a GitHub environment: repo:<owner/name>:environment:<env>.
    const planSubject = `repo:${props.repository}:environment:${props.planEnvironment ?? `${props.environment}-plan`}`;
    const deploySubject = `repo:${props.repository}:environment:${props.deployEnvironment ?? props.environment}`;

    // Who read or wrote state is on record: Cloud Audit Logs' data-access logs for Cloud Storage.
    new ProjectIamAuditConfig(this, "state-audit", { project, service: "storage.googleapis.com", auditLogConfig: [{ logType: "DATA_READ" }, { logType: "DATA_WRITE" }] });

    this.pool = new IamWorkloadIdentityPool(this, "pool", { project, workloadIdentityPoolId: "github", displayName: "GitHub Actions", description: `CI of ${props.repository}` });
    this.provider = new IamWorkloadIdentityPoolProvider(this, "provider", {
      project,
      workloadIdentityPoolId: this.pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: "github-actions",
      displayName: "GitHub Actions OIDC",
      oidc: { issuerUri: GITHUB_OIDC_ISSUER },
      attributeMapping: { "google.subject": "assertion.sub", "attribute.repository": "assertion.repository", "attribute.ref": "assertion.ref" },
      // Google requires a condition for GitHub's issuer: only the two jobs that use an identity exchange tokens at all.
      attributeCondition: [planSubject, deploySubject].map((sub) => `assertion.sub == '${sub}'`).join(" || "),
    });
    this.workloadIdentityProvider = this.provider.name;

    const principal = (subject: string) => `principal://iam.googleapis.com/${this.pool.name}/subject/${subject}`;

    this.planner = new ServiceAccount(this, "planner", { project, accountId: serviceAccountId(props.environment, "planner"), displayName: `Plans ${props.environment} (read-only)` });
    for (const role of PLANNER_ROLES) new ProjectIamMember(this, `planner-${role.replace(/^roles\//, "").replace(/\./g, "-")}`, { project, role, member: this.planner.member });
    new StorageBucketIamMember(this, "planner-state", { bucket: this.stateBucket.name, role: "roles/storage.objectViewer", member: this.planner.member });
    new ServiceAccountIamMember(this, "planner-wif", { serviceAccountId: this.planner.name, role: "roles/iam.workloadIdentityUser", member: principal(planSubject) });

    this.deployer = new ServiceAccount(this, "deployer", { project, accountId: serviceAccountId(props.environment, "deployer"), displayName: `Deploys ${props.environment}` });
    new StorageBucketIamMember(this, "deployer-state", { bucket: this.stateBucket.name, role: "roles/storage.objectAdmin", member: this.deployer.member });
    new ServiceAccountIamMember(this, "deployer-wif", { serviceAccountId: this.deployer.name, role: "roles/iam.workloadIdentityUser", member: principal(deploySubject) });

    // The deployer's roles, from the resources of the stack it deploys: build that stack first. (The resources an
    // aspect adds at synth are EnableApis' project services, whose role is always included.)
    const needs = deployerNeeds(props.deploys, project);
    for (const unknown of needs.unknownTypes) {
      Annotations.of(this).addError(`no deployer role is known for ${unknown} (in stack ${props.deploys.node.id}); add it to DEPLOYER_ROLE_BY_RESOURCE_PREFIX`);
    }
    for (const role of needs.roles) new ProjectIamMember(this, `deployer-${role.replace(/^roles\//, "").replace(/\./g, "-")}`, { project, role, member: this.deployer.member });
    // Project IAM: in each project the stack grants in, only the roles it grants there.
    for (const [grantProject, roles] of Object.entries(needs.grants)) {
      new ProjectIamMember(this, `deployer-grants-${grantProject}`, {
        project: grantProject,
        role: "roles/resourcemanager.projectIamAdmin",
        member: this.deployer.member,
        condition: { title: `only ${props.environment} grants`, description: `The roles stack ${props.deploys.node.id} grants in ${grantProject}`, expression: onlyGrants(roles) },
      });
    }
  }
}

export interface DeployerNeeds {
  readonly roles: string[];
  /** Project -> the roles the stack grants there. */
  readonly grants: Record<string, string[]>;
  readonly unknownTypes: string[];
}

/** What deploying a stack takes: roles by the resource types in it, and its project IAM grants by project. */
export function deployerNeeds(stack: TerraformStack, project: string): DeployerNeeds {
  const roles = new Set<string>(["roles/serviceusage.serviceUsageAdmin"]);
  const grants: Record<string, Set<string>> = {};
  const unknownTypes = new Set<string>();
  for (const r of stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource)) {
    const type = r.terraformResourceType;
    const needed = deployerRolesFor(type);
    if (needed === undefined) unknownTypes.add(type);
    for (const role of needed ?? []) roles.add(role);
    if (r instanceof ProjectIamMember) (grants[r.projectInput ?? project] ??= new Set()).add(r.roleInput ?? "");
  }
  return {
    roles: [...roles].sort(),
    grants: Object.fromEntries(Object.entries(grants).map(([p, rs]) => [p, [...rs].sort()])),
    unknownTypes: [...unknownTypes].sort(),
  };
}
