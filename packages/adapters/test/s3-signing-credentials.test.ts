import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import { fromHttp } from "@aws-sdk/credential-provider-http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { S3BlobStore } from "../src/index";

/**
 * A stand-in for the ECS agent's task-credentials endpoint (what AWS_CONTAINER_CREDENTIALS_* point the SDK at): it
 * serves the current set of temporary credentials, and the test rotates them as the agent does. The SDK's own
 * HTTP credential provider reads it, memoized by the S3 client exactly as in the apps.
 */
class CredentialsEndpoint {
  readonly server = http.createServer((_req, res) => {
    this.requests++;
    const { id, expiresAt } = this.current;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ AccessKeyId: id, SecretAccessKey: `secret-${id}`, Token: `token-${id}`, Expiration: new Date(expiresAt).toISOString() }));
  });
  requests = 0;
  current = { id: "", expiresAt: 0 };
  rotate(id: string, lifetimeMs: number) {
    this.current = { id, expiresAt: Date.now() + lifetimeMs };
  }
  get url() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v2/credentials/task`;
  }
}

const MIN = 60_000;
/** The access key id a presigned URL was signed with. */
const signer = (url: string) => decodeURIComponent(new URL(url).searchParams.get("X-Amz-Credential") ?? "").split("/")[0];

describe("S3BlobStore signs with credentials that outlive what it signs", () => {
  const endpoint = new CredentialsEndpoint();
  let s3: S3Client;
  let store: S3BlobStore;

  beforeAll(async () => {
    endpoint.server.listen(0, "127.0.0.1");
    await once(endpoint.server, "listening");
  });
  afterAll(() => endpoint.server.close());
  beforeEach(() => {
    // Date only (the SDK's expiry checks and the store's signing window read it); timers and sockets stay real.
    // One second into a 5-minute signing window, so the store's URL cache keeps one window throughout a test.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / (5 * MIN)) * 5 * MIN + 1000);
    endpoint.requests = 0;
    s3 = new S3Client({
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9",
      forcePathStyle: true,
      credentials: fromHttp({ awsContainerCredentialsFullUri: endpoint.url }),
    });
    store = new S3BlobStore(s3, "media");
  });
  afterEach(() => {
    s3.destroy();
    vi.useRealTimers();
  });

  it("takes the agent's newer set for a URL the set in hand would not outlive", async () => {
    // 10 minutes left: the SDK keeps a set until 5 minutes before it expires, so on its own it would sign with it.
    endpoint.rotate("ASIAOLDSET", 10 * MIN);
    const short = await store.presignDownload("u/a/photos/p1/thumb", 60); // 1 + 5 (window) minutes: the old set lasts
    expect(signer(short)).toBe("ASIAOLDSET");
    endpoint.rotate("ASIANEWSET", 6 * 60 * MIN);

    const url = await store.presignDownload("u/a/photos/p1/preview", 15 * 60);
    expect(signer(url)).toBe("ASIANEWSET");
    expect(new URL(url).searchParams.get("X-Amz-Security-Token")).toBe("token-ASIANEWSET");
    const part = await store.presignPart("u/a/photos/p2/original", "upload-1", 1, 15 * 60);
    expect(signer(part)).toBe("ASIANEWSET");
    const post = await store.presignPost("u/a/photos/p3/original", { contentType: "image/jpeg", minBytes: 1, maxBytes: 100, expiresIn: 15 * 60 });
    expect(post.fields["X-Amz-Credential"]?.split("/")[0]).toBe("ASIANEWSET");
  });

  it("does not hand out a URL cached under a set it has since replaced", async () => {
    endpoint.rotate("ASIAOLDSET", 10 * MIN);
    const first = await store.presignDownload("u/a/photos/p1/thumb", 15 * 60);
    // The agent had nothing newer: the old set signs (the URL lives as long as it does), and is cached.
    expect(signer(first)).toBe("ASIAOLDSET");
    expect(await store.presignDownload("u/a/photos/p1/thumb", 15 * 60)).toBe(first);

    endpoint.rotate("ASIANEWSET", 6 * 60 * MIN);
    vi.setSystemTime(Date.now() + MIN + 1000); // past the once-a-minute limit, still in the same signing window
    const again = await store.presignDownload("u/a/photos/p1/thumb", 15 * 60);
    expect(signer(again)).toBe("ASIANEWSET");
    expect(await store.presignDownload("u/a/photos/p1/thumb", 15 * 60)).toBe(again);
  });

  it("asks the agent at most once a minute while it has nothing newer, and never for a set that lasts", async () => {
    endpoint.rotate("ASIAOLDSET", 10 * MIN);
    const urls: string[] = [];
    for (let i = 0; i < 200; i++) urls.push(await store.presignDownload(`u/a/photos/p${i}/thumb`, 15 * 60));
    expect(new Set(urls.map(signer))).toEqual(new Set(["ASIAOLDSET"]));
    expect(endpoint.requests).toBeLessThanOrEqual(2); // the first read, and one forced refresh

    // A set with hours left is never asked for again, however much is signed.
    endpoint.rotate("ASIALONGSET", 6 * 60 * MIN);
    vi.setSystemTime(Date.now() + MIN + 1000);
    await store.presignDownload("u/a/photos/p0/thumb", 15 * 60); // one forced refresh: finds the long set
    const asked = endpoint.requests;
    for (let i = 0; i < 200; i++) await store.presignDownload(`u/a/photos/p${i}/preview`, 15 * 60);
    expect(endpoint.requests).toBe(asked);
  });
});
