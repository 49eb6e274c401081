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

it("loads settings from Parameter Store (moto); the database credentials are not settings", async () => {
  const ssm = new SSMClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
  for (const [k, v] of Object.entries({ S3_BUCKET: "prod-media", SQS_RENDER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/render", DATABASE_HOST: "db.internal", QUOTA_PHOTOS: "1234" }))
    await ssm.send(new PutParameterCommand({ Name: `/photoreel/prod/${k}`, Value: v, Type: "String" }));
  await ssm.send(new PutParameterCommand({ Name: "/photoreel/other/S3_BUCKET", Value: "not-mine", Type: "String" }));
  const env = { STACK: "aws", SSM_PARAMETER_PATH: "/photoreel/prod", DATABASE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:x", QUOTA_PHOTOS: "99" };
  const loaded = await loadRemoteConfig(loadConfig(env), env, { ssm: moto.endpoint, credentials });
  expect(loaded).toMatchObject({ S3_BUCKET: "prod-media", DATABASE_HOST: "db.internal", SQS_RENDER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/render" });
  expect(loaded.QUOTA_PHOTOS).toBeUndefined(); // an explicit environment variable wins
  // The password never becomes a setting: databaseConnection reads it, and again when it rotates.
  expect(loaded.DATABASE_URL).toBeUndefined();
  const config = loadConfig({ ...env, ...loaded });
  expect(config).toMatchObject({ S3_BUCKET: "prod-media", QUOTA_PHOTOS: 99 });
});
