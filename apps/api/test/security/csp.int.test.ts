import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createAwsAdapters, createAwsClients } from "@photoreel/adapters";
import { loadConfig, type Config } from "@photoreel/config";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketOrigin } from "../../src/http/bucket-origin";
import { createHttpApp } from "../../src/http/app";
import { startTestStack, type TestStack } from "../harness";

// The CSP's img-src, media-src and connect-src name the app's own bucket, not every S3 bucket: a script injected
// into the page must not be able to post a user's data to a bucket of the attacker's. The origin the CSP names
// is checked against URLs the real S3 client presigns, for the embedded stack and for AWS-shaped settings.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => t?.stop());

const directives = (csp: string) => Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));

async function cspOf(config: Config): Promise<Record<string, string[]>> {
  const server = createHttpApp({ ...t.app, config }, pino({ level: "silent" })).listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
    return directives(res.headers.get("content-security-policy") ?? "");
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

/** Where the S3 client really sends a browser for this config: a presigned upload form and a presigned download. */
async function presignedOrigins(config: Config): Promise<string[]> {
  const clients = createAwsClients(config, { credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example-secret" } });
  try {
    const { blobs } = createAwsAdapters(config, clients);
    const post = await blobs.presignPost("users/u1/photos/p1/original", { contentType: "image/jpeg", minBytes: 1, maxBytes: 1000, expiresIn: 60 });
    const get = await blobs.presignDownload("users/u1/videos/v1/video.mp4", 60);
    return [...new Set([new URL(post.url).origin, new URL(get).origin])];
  } finally {
    clients.destroy();
  }
}

const awsShaped: [string, Record<string, string>][] = [
  ["AWS (virtual-hosted bucket)", { STACK: "aws", AWS_REGION: "eu-west-1", S3_BUCKET: "photoreel-prod-media-123456789012" }],
  ["AWS with the path style forced", { STACK: "aws", AWS_REGION: "eu-west-1", S3_BUCKET: "photoreel-prod-media-123456789012", S3_FORCE_PATH_STYLE: "true" }],
  ["an S3-compatible endpoint", { STACK: "aws", AWS_REGION: "us-east-1", S3_BUCKET: "media", S3_ENDPOINT: "https://objects.example.net" }],
];

describe("CSP names the app's own bucket origin and no other", () => {
  it("embedded stack: img-src, media-src and connect-src allow exactly the bucket's presigned origin (no wildcard)", async () => {
    const [origin] = await presignedOrigins(t.config);
    expect(await presignedOrigins(t.config)).toEqual([origin]);
    const d = await cspOf(t.config);
    expect(d["connect-src"]).toEqual(["'self'", origin]);
    expect(d["img-src"]).toEqual(["'self'", "data:", "blob:", origin]);
    expect(d["media-src"]).toEqual(["'self'", "blob:", origin]);
    expect(Object.values(d).flat().filter((v) => v.includes("*"))).toEqual([]);
  });

  it.each(awsShaped)("%s: the origin the S3 client presigns for, and only it", async (_name, env) => {
    const config = loadConfig({ ...t.env, S3_ENDPOINT: "", S3_FORCE_PATH_STYLE: "false", ...env });
    const origins = await presignedOrigins(config);
    expect(origins).toEqual([bucketOrigin(config)]);
    const d = await cspOf(config);
    expect(d["connect-src"]).toEqual(["'self'", bucketOrigin(config)]);
    expect(d["connect-src"]!.join(" ")).not.toMatch(/\*/);
  });

  it("the AWS origin is the bucket's own host, not the regional S3 host every bucket shares", () => {
    const config = loadConfig({ ...t.env, STACK: "aws", AWS_REGION: "eu-west-1", S3_BUCKET: "photoreel-prod-media-1", S3_ENDPOINT: "", S3_FORCE_PATH_STYLE: "false" });
    expect(bucketOrigin(config)).toBe("https://photoreel-prod-media-1.s3.eu-west-1.amazonaws.com");
  });
});
