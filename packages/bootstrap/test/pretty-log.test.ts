import { describe, expect, it } from "vitest";
import { prettyLine } from "../src/pretty-log";

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

describe("prettyLine (logs on a terminal)", () => {
  it("prints a JSON record as one short line: time, level, app, message, the other fields", () => {
    const time = new Date(2026, 0, 2, 12, 4, 5).getTime();
    const line = JSON.stringify({ level: 40, time, pid: 1, hostname: "h", app: "api", msg: "slow request", ms: 812, path: "/trpc" });
    expect(plain(prettyLine(line))).toBe("12:04:05 WARN  api slow request ms=812 path=/trpc\n");
  });

  it("shortens a request log to method, path, status and time", () => {
    const line = JSON.stringify({ level: 30, time: 0, app: "api", msg: "request completed", req: { id: "r1", method: "GET", url: "/trpc/photos.list", headers: { cookie: "x" } }, res: { statusCode: 200, headers: {} }, responseTime: 12.4 });
    expect(plain(prettyLine(line))).toMatch(/ INFO  api request completed GET \/trpc\/photos\.list 200 12ms\n$/);
  });

  it("shortens the flat request log too, keeping the request id only on warnings and errors", () => {
    const ok = JSON.stringify({ level: 30, time: 0, app: "api", reqId: "abc", method: "GET", path: "/nope", status: 200, durationMs: 48.2, msg: "request completed" });
    expect(plain(prettyLine(ok))).toMatch(/ INFO  api request completed GET \/nope 200 48ms\n$/);
    const bad = JSON.stringify({ level: 50, time: 0, app: "api", reqId: "abc", method: "POST", path: "/trpc/x", status: 500, durationMs: 3, msg: "request failed" });
    expect(plain(prettyLine(bad))).toMatch(/ ERROR api request failed POST \/trpc\/x 500 3ms reqId=abc\n$/);
  });

  it("puts an error's stack under its line and passes anything that is not JSON through", () => {
    const line = JSON.stringify({ level: 50, time: 0, app: "worker", msg: "render failed", err: { message: "boom", stack: "Error: boom\n    at x" } });
    expect(plain(prettyLine(line))).toMatch(/ERROR worker render failed\nError: boom\n {4}at x\n$/);
    expect(prettyLine("plain text")).toBe("plain text\n");
  });
});
