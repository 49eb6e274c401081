import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { loadConfig } from "@photoreel/config";
import { startMoto, type MotoServer } from "@photoreel/local-stack";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadRemoteConfig } from "../src/aws/remote-config";

const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => moto?.stop());

it("loads settings from Parameter Store and the database URL from the RDS-managed secret (moto)", async () => {
  const ssm = new SSMClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
  for (const [k, v] of Object.entries({ S3_BUCKET: "prod-media", SQS_RENDER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/render", DATABASE_HOST: "db.internal", QUOTA_PHOTOS: "1234" }))
    await ssm.send(new PutParameterCommand({ Name: `/photoreel/prod/${k}`, Value: v, Type: "String" }));
  await ssm.send(new PutParameterCommand({ Name: "/photoreel/other/S3_BUCKET", Value: "not-mine", Type: "String" }));
  const sm = new SecretsManagerClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
  const secret = await sm.send(new CreateSecretCommand({ Name: "rds!db-1", SecretString: JSON.stringify({ username: "app", password: "p@ss/w:rd" }) }));

  const env = { STACK: "aws", SSM_PARAMETER_PATH: "/photoreel/prod", DATABASE_SECRET_ARN: secret.ARN!, QUOTA_PHOTOS: "99" };
  const loaded = await loadRemoteConfig(loadConfig(env), env, { ssm: moto.endpoint, secretsManager: moto.endpoint, credentials });
  expect(loaded).toMatchObject({ S3_BUCKET: "prod-media", DATABASE_HOST: "db.internal", SQS_RENDER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/render" });
  expect(loaded.QUOTA_PHOTOS).toBeUndefined(); // an explicit environment variable wins
  const url = new URL(loaded.DATABASE_URL!);
  expect([url.hostname, url.port, url.pathname, decodeURIComponent(url.username), decodeURIComponent(url.password)]).toEqual(["db.internal", "5432", "/photoreel", "app", "p@ss/w:rd"]);
  const config = loadConfig({ ...env, ...loaded });
  expect(config).toMatchObject({ S3_BUCKET: "prod-media", QUOTA_PHOTOS: 99 });
});
