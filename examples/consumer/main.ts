/**
 * The orders team's infrastructure, on top of Tandem's staging environment: its own database on Tandem's VPC,
 * and its API as a blue-green service in the new platform's namespace, all addressed through Tandem's outputs.
 */
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { App, Aspects, GcsBackend, TerraformOutput, TerraformStack } from "cdktf";
import { BlueGreenService, CloudSqlDb, DeployReadiness, EnableApis, Network, PlatformOutputs } from "@tandem/cdktf";

const project = "orders-staging";
const app = new App();
const stack = new TerraformStack(app, "orders-staging");
new GcsBackend(stack, { bucket: "orders-tfstate", prefix: "orders/staging" });
new GoogleProvider(stack, "google", { project, region: "europe-west1" });
// The APIs our resources need, enabled first; then the checks for what only an apply would otherwise find.
Aspects.of(stack).add(new EnableApis({ project }));
Aspects.of(stack).add(new DeployReadiness());

const platform = PlatformOutputs.fromRemoteState(stack, "tandem", { environment: "staging", bucket: "tandem-tfstate-staging" });

const db = new CloudSqlDb(stack, "orders-db", {
  project,
  region: "europe-west1",
  name: "orders-staging-pg",
  network: Network.fromAttributes({ networkId: platform.networkId }),
  privateServiceRange: platform.sqlPrivateServiceRange,
  tier: "db-custom-2-7680",
  diskSizeGb: 20,
  highAvailability: false,
  deletionProtection: true,
  maintenanceWindow: { day: "MONDAY", hourUtc: 3 },
  databases: ["orders"],
  users: { orders_app: { type: "built-in" } },
});

const client = new DataGoogleClientConfig(stack, "client");
// The cluster's DNS endpoint: reachable from any CI runner with Google credentials, publicly trusted certificate.
new KubernetesProvider(stack, "kubernetes", {
  host: `https://${platform.clusterDnsEndpoint}`,
  token: client.accessToken,
});

const api = new BlueGreenService(stack, "orders-api", {
  name: "orders-api",
  namespace: platform.newPlatformNamespace,
  project,
  blue: { image: "europe-west1-docker.pkg.dev/orders-shared/apps/api:2.3.1" },
  green: { image: "europe-west1-docker.pkg.dev/orders-shared/apps/api:2.4.0" },
  activeColor: "blue",
  containerPort: 8080,
  allowFrom: [{ podLabels: { "app.kubernetes.io/name": "tandem-router" } }],
  egress: [{ cidr: "10.30.0.0/20", ports: [5432] }],
});

new TerraformOutput(stack, "orders_db_connection_name", { value: db.connectionName });
new TerraformOutput(stack, "orders_api_service", { value: api.serviceName });
app.synth();
