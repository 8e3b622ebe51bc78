import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { Construct } from "constructs";
import { Connection, ConnectionClient, envName, GOOGLE_APIS_OVER_INTERNET, IConnectable, PerClient } from "./connection";

/** Props for {@link SecretAccess}. */
export interface SecretAccessProps {
  readonly secret: SecretManagerSecret;
  /** The setting that names the secret's latest version for the workload, e.g. `PAYMENT_API_KEY` -> `PAYMENT_API_KEY_SECRET`. */
  readonly env: string;
  /** How the VPC reaches Google APIs (`network.googleApis`). @default - Google APIs over the internet */
  readonly googleApis?: IConnectable;
}

/**
 * A Secret Manager secret a workload reads at run time: `roles/secretmanager.secretAccessor` on that secret alone,
 * Google APIs egress, and `<ENV>_SECRET=<secret>/versions/latest` (the value never passes through Terraform).
 */
export class SecretAccess extends Construct implements IConnectable {
  readonly connectableName: string;
  private readonly connections = new PerClient();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SecretAccessProps,
  ) {
    super(scope, id);
    this.connectableName = `secret ${props.env}`;
  }

  connect(client: ConnectionClient): Connection {
    return this.connections.get(client, () => {
      new SecretManagerSecretIamMember(this, `accessor-${client.name}`, { secretId: this.props.secret.id, role: "roles/secretmanager.secretAccessor", member: client.serviceAccount.member });
      return { egress: [], config: { [`${envName(this.props.env)}_SECRET`]: `${this.props.secret.id}/versions/latest` }, secrets: {}, requires: [this.props.googleApis ?? GOOGLE_APIS_OVER_INTERNET] };
    });
  }
}
