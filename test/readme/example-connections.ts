import { App, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { BlueGreenService, CloudSqlDb, Memorystore, Network } from "@tandem/cdktf";

const app = new App();
const stack = new TerraformStack(app, "team-a");
new GoogleProvider(stack, "google", { project: "team-a-prod", region: "europe-west1" });
new KubernetesProvider(stack, "kubernetes", {});

const network = new Network(stack, "network", {
  project: "team-a-prod",
  region: "europe-west1",
  name: "team-a",
  primaryCidr: "10.40.0.0/20",
  podsCidr: "10.44.0.0/14",
  servicesCidr: "10.48.0.0/20",
  privateServiceRanges: { sql: "10.50.0.0/20", redis: "10.51.0.0/24" },
});
const db = new CloudSqlDb(stack, "db", {
  project: "team-a-prod",
  region: "europe-west1",
  name: "team-a-pg",
  network,
  privateServiceRange: network.privateServiceRanges.sql.name,
  tier: "db-custom-2-7680",
  diskSizeGb: 50,
  highAvailability: true,
  deletionProtection: true,
  maintenanceWindow: { day: "SUNDAY", hourUtc: 4 },
  databases: ["orders"],
});
const cache = new Memorystore(stack, "cache", {
  project: "team-a-prod",
  region: "europe-west1",
  name: "team-a-redis",
  network,
  privateServiceRange: network.privateServiceRanges.redis.name,
  tier: "STANDARD_HA",
  memorySizeGb: 2,
  maintenanceWindow: { day: "SUNDAY", hourUtc: 5 },
});
const orders = new BlueGreenService(stack, "orders", {
  name: "orders",
  project: "team-a-prod",
  // The cluster's pool (GkeCluster.workloadPool): the cluster may live in another project.
  workloadIdentityPool: "team-a-clusters.svc.id.goog",
  blue: { image: "europe-west1-docker.pkg.dev/team-a-prod/apps/orders:1.0.0" },
  green: {},
  activeColor: "blue",
  containerPort: 8080,
});
// Egress to the instance's IP on 3307, the metadata server and Google APIs, the cache on 6378; cloudsql.client and
// instanceUser on this instance, an IAM database user; DB_* and REDIS_* in both colours' env, REDIS_AUTH from a Secret.
orders.connectsTo(db, cache);
app.synth();
