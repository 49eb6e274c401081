import { GetParametersByPathCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { Config } from "@photoreel/config";

/**
 * On AWS: settings from Parameter Store (every parameter under SSM_PARAMETER_PATH becomes a variable named after its
 * last path segment). Returns variables to merge over the environment before loadConfig; an explicit environment
 * variable wins over a parameter. The database credentials are not settings: databaseConnection reads them, and
 * reads them again when they rotate.
 */
export async function loadRemoteConfig(
  config: Pick<Config, "AWS_REGION" | "SSM_PARAMETER_PATH">,
  env: Record<string, string | undefined>,
  /** Tests only (moto): endpoints and static credentials. On AWS the SDK's defaults apply. */
  endpoints: { ssm?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
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
  return out;
}
