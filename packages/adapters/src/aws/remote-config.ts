import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParametersByPathCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { Config } from "@photoreel/config";

/**
 * On AWS: settings from Parameter Store (every parameter under SSM_PARAMETER_PATH becomes a variable named after its
 * last path segment) and DATABASE_URL built from the RDS-managed secret. Returns variables to merge over the
 * environment before loadConfig; an explicit environment variable wins over a parameter.
 */
export async function loadRemoteConfig(
  config: Pick<Config, "AWS_REGION" | "SSM_PARAMETER_PATH" | "DATABASE_SECRET_ARN">,
  env: Record<string, string | undefined>,
  /** Tests only (moto): endpoints and static credentials. On AWS the SDK's defaults apply. */
  endpoints: { ssm?: string; secretsManager?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (config.SSM_PARAMETER_PATH) {
    const ssm = new SSMClient({ region: config.AWS_REGION, ...(endpoints.ssm ? { endpoint: endpoints.ssm } : {}), ...(endpoints.credentials ? { credentials: endpoints.credentials } : {}) });
    const path = config.SSM_PARAMETER_PATH.endsWith("/") ? config.SSM_PARAMETER_PATH : `${config.SSM_PARAMETER_PATH}/`;
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(new GetParametersByPathCommand({ Path: path, Recursive: false, WithDecryption: true, NextToken }));
      for (const p of page.Parameters ?? []) {
        const name = p.Name?.slice(path.length);
        if (name && p.Value !== undefined && env[name] === undefined) out[name] = p.Value;
      }
      NextToken = page.NextToken;
    } while (NextToken);
    ssm.destroy();
  }
  const secretArn = env.DATABASE_SECRET_ARN ?? out.DATABASE_SECRET_ARN ?? config.DATABASE_SECRET_ARN;
  if (secretArn) {
    const sm = new SecretsManagerClient({
      region: config.AWS_REGION,
      ...(endpoints.secretsManager ? { endpoint: endpoints.secretsManager } : {}),
      ...(endpoints.credentials ? { credentials: endpoints.credentials } : {}),
    });
    const secret = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
    sm.destroy();
    const s = JSON.parse(secret.SecretString ?? "{}") as { username?: string; password?: string; host?: string; port?: number | string; dbname?: string };
    const host = s.host ?? env.DATABASE_HOST ?? out.DATABASE_HOST;
    const port = s.port ?? env.DATABASE_PORT ?? out.DATABASE_PORT ?? 5432;
    const dbname = s.dbname ?? env.DATABASE_NAME ?? out.DATABASE_NAME ?? "photoreel";
    if (!s.username || !s.password || !host) throw new Error("The database secret needs username and password, and DATABASE_HOST must be set");
    const url = new URL(`postgres://${host}:${port}/${dbname}`);
    url.username = encodeURIComponent(s.username);
    url.password = encodeURIComponent(s.password);
    url.searchParams.set("sslmode", "no-verify");
    out.DATABASE_URL = url.toString();
  }
  return out;
}
