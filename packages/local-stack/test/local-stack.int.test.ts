import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS, startLocalStack, type LocalStack, type S3NotificationRecord } from "../src/index";

const WEB_ORIGIN = "http://127.0.0.1:5173";
const ANY_PORTS = { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 };
const EMAIL = "persist@example.com";
const PASSWORD = "Persist-me1";

function clients(env: Record<string, string>) {
  const base = { region: env.AWS_REGION, credentials: LOCAL_CREDENTIALS };
  return {
    s3: new S3Client({
      ...base,
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    sqs: new SQSClient({ ...base, endpoint: env.SQS_ENDPOINT, useQueueUrlAsEndpoint: false }),
    dynamodb: new DynamoDBClient({ ...base, endpoint: env.DYNAMODB_ENDPOINT }),
    cognito: new CognitoIdentityProviderClient({ ...base, endpoint: env.COGNITO_ENDPOINT }),
  };
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe("startLocalStack", () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  afterAll(async () => {
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("starts every service on 127.0.0.1 and keeps their data across a restart", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "photoreel-stack-"));
    const events: S3NotificationRecord[] = [];
    stack = await startLocalStack({ dataDir, webOrigin: WEB_ORIGIN, ports: ANY_PORTS, onS3Event: (r) => void events.push(r) });
    const env = stack.env;

    expect(Object.keys(env).sort()).toEqual(
      [
        "AWS_ACCESS_KEY_ID",
        "AWS_REGION",
        "AWS_REQUEST_CHECKSUM_CALCULATION",
        "AWS_RESPONSE_CHECKSUM_VALIDATION",
        "AWS_SECRET_ACCESS_KEY",
        "COGNITO_CLIENT_ID",
        "COGNITO_ENDPOINT",
        "COGNITO_JWKS_URL",
        "COGNITO_USER_POOL_ID",
        "DATABASE_URL",
        "DYNAMODB_ENDPOINT",
        "DYNAMODB_TABLE",
        "S3_BUCKET",
        "S3_ENDPOINT",
        "S3_FORCE_PATH_STYLE",
        "SQS_DLQ_URL",
        "SQS_ENDPOINT",
        "SQS_PREVIEW_QUEUE_URL",
        "SQS_RENDER_QUEUE_URL",
      ].sort(),
    );
    for (const k of ["S3_ENDPOINT", "SQS_ENDPOINT", "DYNAMODB_ENDPOINT", "COGNITO_ENDPOINT"]) {
      expect(env[k]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(env.COGNITO_USER_POOL_ID).toBe("us-east-1_LocalPool");
    expect(env.COGNITO_JWKS_URL).toBe(`${env.COGNITO_ENDPOINT}/us-east-1_LocalPool/.well-known/jwks.json`);

    const c = clients(env);
    // S3: an object, the notification record, and CORS for the web origin.
    await c.s3.send(new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: "u/a/my photo.jpg", Body: "jpeg-bytes", ContentType: "image/jpeg" }));
    expect(events).toEqual([expect.objectContaining({ eventName: "ObjectCreated:Put", s3: expect.objectContaining({ object: expect.objectContaining({ key: "u/a/my+photo.jpg", size: 10 }) }) })]);
    const preflight = await fetch(`${env.S3_ENDPOINT}/${env.S3_BUCKET}/u/a/x.jpg`, {
      method: "OPTIONS",
      headers: { Origin: WEB_ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type" },
    });
    expect(preflight.status).toBe(200);
    // s3rver answers preflights with "*" once a rule matched; the rule itself is per origin:
    expect(preflight.headers.get("access-control-allow-origin")).toBeTruthy();
    const foreign = await fetch(`${env.S3_ENDPOINT}/${env.S3_BUCKET}/u/a/x.jpg`, {
      method: "OPTIONS",
      headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "PUT" },
    });
    expect(foreign.status).toBe(403);
    const getWithOrigin = await fetch(`${env.S3_ENDPOINT}/${env.S3_BUCKET}/u/a/my%20photo.jpg`, { headers: { Origin: WEB_ORIGIN } });
    expect(getWithOrigin.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    expect(getWithOrigin.headers.get("access-control-expose-headers")).toMatch(/etag/i);

    // SQS: both work queues and the DLQ exist.
    await c.sqs.send(new SendMessageCommand({ QueueUrl: env.SQS_RENDER_QUEUE_URL, MessageBody: "{}" }));
    const received = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.SQS_RENDER_QUEUE_URL, WaitTimeSeconds: 1 }));
    expect(received.Messages?.[0]?.Body).toBe("{}");

    // DynamoDB: the table with its GSI keys.
    await c.dynamodb.send(
      new PutItemCommand({
        TableName: env.DYNAMODB_TABLE,
        Item: { ownerId: { S: "o1" }, videoId: { S: "v1" }, status: { S: "QUEUED" }, updatedAt: { S: "2026-01-01T00:00:00Z" } },
      }),
    );

    // Cognito: a confirmed user.
    await c.cognito.send(new SignUpCommand({ ClientId: env.COGNITO_CLIENT_ID, Username: EMAIL, Password: PASSWORD, UserAttributes: [{ Name: "email", Value: EMAIL }] }));
    await c.cognito.send(new AdminConfirmSignUpCommand({ UserPoolId: env.COGNITO_USER_POOL_ID, Username: EMAIL }));

    // PostgreSQL: a table through the socket server, with more clients than one.
    await withPg(env.DATABASE_URL!, (db) => db.query("CREATE TABLE kept (id int primary key, note text); INSERT INTO kept VALUES (1, 'survives')"));
    const many = await Promise.all(Array.from({ length: 12 }, (_, i) => withPg(env.DATABASE_URL!, (db) => db.query("SELECT $1::int AS n", [i]))));
    expect(many.map((r) => r.rows[0].n)).toEqual([...Array(12).keys()]);

    for (const cl of Object.values(c)) cl.destroy();
    const firstClientId = env.COGNITO_CLIENT_ID;
    await stack.stop();
    stack = undefined;

    // Same directory again: provisioning is idempotent and the data is still there.
    const started = Date.now();
    stack = await startLocalStack({ dataDir, webOrigin: WEB_ORIGIN, ports: ANY_PORTS });
    expect(Date.now() - started).toBeLessThan(10_000);
    const env2 = stack.env;
    expect(env2.COGNITO_CLIENT_ID).toBe(firstClientId);
    const c2 = clients(env2);

    const obj = await c2.s3.send(new GetObjectCommand({ Bucket: env2.S3_BUCKET, Key: "u/a/my photo.jpg" }));
    expect(await obj.Body!.transformToString()).toBe("jpeg-bytes");
    const item = await c2.dynamodb.send(new GetItemCommand({ TableName: env2.DYNAMODB_TABLE, Key: { ownerId: { S: "o1" }, videoId: { S: "v1" } } }));
    expect(item.Item?.status?.S).toBe("QUEUED");
    const user = await c2.cognito.send(new AdminGetUserCommand({ UserPoolId: env2.COGNITO_USER_POOL_ID, Username: EMAIL }));
    expect(user.UserStatus).toBe("CONFIRMED");
    const auth = await c2.cognito.send(
      new InitiateAuthCommand({ ClientId: env2.COGNITO_CLIENT_ID, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: EMAIL, PASSWORD } }),
    );
    expect(auth.AuthenticationResult?.AccessToken).toBeTruthy();
    const rows = await withPg(env2.DATABASE_URL!, (db) => db.query("SELECT note FROM kept WHERE id = 1"));
    expect(rows.rows).toEqual([{ note: "survives" }]);
    for (const cl of Object.values(c2)) cl.destroy();
  }, 120_000);

  it("fails cleanly when a port is taken, leaving nothing running", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "photoreel-stack-"));
    const blocker = await new Promise<Server>((resolve) => {
      const srv = createServer();
      srv.listen(0, "127.0.0.1", () => resolve(srv));
    });
    const taken = (blocker.address() as AddressInfo).port;
    try {
      await expect(startLocalStack({ dataDir: dir, webOrigin: WEB_ORIGIN, inMemory: true, ports: { ...ANY_PORTS, dynamodb: taken } })).rejects.toThrow(`Port ${taken} (the embedded DynamoDB stand-in) is already in use; stop what uses it or choose another port.`);
    } finally {
      blocker.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
