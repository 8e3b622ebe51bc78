import { App, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { CloudSqlDb, Network } from "@tandem/cdktf";

const app = new App();
const stack = new TerraformStack(app, "team-a");
new GoogleProvider(stack, "google", { project: "team-a-prod", region: "europe-west1" });

const network = new Network(stack, "network", {
  project: "team-a-prod",
  region: "europe-west1",
  name: "team-a",
  primaryCidr: "10.40.0.0/20",
  podsCidr: "10.44.0.0/14",
  servicesCidr: "10.48.0.0/20",
  privateServiceRanges: { sql: "10.50.0.0/20" },
});
new CloudSqlDb(stack, "db", {
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
  users: { orders_app: { type: "built-in" } },
});
app.synth();
