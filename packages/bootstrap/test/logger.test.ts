import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger";

function captured() {
  const lines: string[] = [];
  const log = createLogger({
    app: "api",
    level: "debug",
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
  return { log, text: () => lines.join("") };
}

// Built here, never committed: shaped like the real thing, valid for nothing.
const jwt = ["eyJhbGciOiJSUzI1NiJ9", Buffer.from(JSON.stringify({ sub: "u1", token_use: "access" })).toString("base64url"), "c2lnbmF0dXJlLXNpZ25hdHVyZQ"].join(".");
const signature = "a".repeat(24) + "0123456789abcdef".repeat(2);
const presigned = `http://127.0.0.1:9000/media/users/u1/videos/v1/video.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261130&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE&X-Amz-Signature=${signature}`;

describe("createLogger keeps credentials out of every line", () => {
  it("redacts cookie, set-cookie and authorization headers and token fields wherever a caller puts them", () => {
    const { log, text } = captured();
    log.info({ req: { headers: { cookie: `access=${jwt}`, authorization: `Bearer ${jwt}` } }, res: { headers: { "set-cookie": [`refresh=${jwt}`] } } }, "request");
    log.info({ headers: { cookie: "session=abc123abc123abc123" }, refreshToken: "opaque-refresh-token-value", input: { password: "Correct-Horse-9", token: "share-token-1234567890" } }, "call");
    const out = text();
    expect(out).not.toContain(jwt);
    expect(out).not.toContain("abc123abc123abc123");
    expect(out).not.toContain("opaque-refresh-token-value");
    expect(out).not.toContain("Correct-Horse-9");
    expect(out).not.toContain("share-token-1234567890");
    expect(out.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(7);
  });

  it("masks a presigned URL's signature, credential and session token, and any JWT, in messages and fields alike", () => {
    const { log, text } = captured();
    log.warn({ url: presigned, fields: { "X-Amz-Signature": signature } }, `could not fetch ${presigned}`);
    log.error({ err: new Error(`token ${jwt} was refused`) }, "failed");
    const out = text();
    expect(out).not.toContain(signature);
    expect(out).not.toContain("FwoGZXIvYXdzEXAMPLE");
    expect(out).not.toContain("AKIAEXAMPLE");
    expect(out).not.toContain(jwt);
    expect(out).toContain("X-Amz-Signature=[redacted]");
    expect(out).toContain("/users/u1/videos/v1/video.mp4"); // the rest of the line is still there to read
    expect(out).toContain("[redacted-jwt]");
  });
});
