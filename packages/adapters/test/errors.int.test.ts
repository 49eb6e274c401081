import { createServer } from "node:net";
import { loadConfig } from "@photoreel/config";
import { afterAll, describe, expect, it } from "vitest";
import { createAwsAdapters, createAwsClients } from "../src/index";

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

// The real SDK clients against endpoints where nothing listens: what an outage of S3, SQS, DynamoDB or Cognito
// looks like from the adapters.
describe("the AWS adapters' error edge", async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const config = loadConfig({ S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: "true", SQS_ENDPOINT: endpoint, DYNAMODB_ENDPOINT: endpoint, COGNITO_ENDPOINT: endpoint });
  const clients = createAwsClients(config, { credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  const a = createAwsAdapters(config, clients);
  afterAll(() => clients.destroy());

  it.each([
    ["S3", () => a.blobs.head("users/u/photos/p/original")],
    ["S3 listing", async () => {
      for await (const o of a.blobs.list("users/u/")) return o;
    }],
    ["SQS", () => a.queue.depth("render")],
    ["DynamoDB", () => a.jobs.get("u", "v")],
    ["Cognito", () => a.identity.getUser("token")],
  ] as const)("%s down -> SERVICE_UNAVAILABLE with the SDK's error as its cause", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ name: "DomainError", code: "SERVICE_UNAVAILABLE", cause: expect.any(Error) });
  }, 30_000);
});
