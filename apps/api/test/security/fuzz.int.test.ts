import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../harness";
import { uploadPhotos } from "@photoreel/api/testing";
import { callProcedure, listProcedures, mapLimit, randomIds, sampleInputs, type HttpAnswer, type ProcedureInfo } from "./procedures";

type Account = Awaited<ReturnType<TestStack["signUp"]>>;
let t: TestStack;
let user: Account;
let photoId: string;
const all = listProcedures();
const withInput = all.filter((p) => p.input);
// Procedures sharing one schema (photos.get/completeUpload, videos.get/cancel/...) reject the same inputs the same
// way: the first of them gets every case, the others only the cases their schema accepts (those reach the handler).
const fullyFuzzed = new Set(withInput.filter((p, i) => withInput.findIndex((q) => q.input === p.input) === i).map((p) => p.path));

// The fuzzing user is an operator (ADMIN_EMAILS) so the admin procedures' inputs are fuzzed too.
const FUZZER = "fuzz-ops@example.com";
const MiB = 1024 * 1024;
const HUGE = "x".repeat(1_000_000);

/** Hostile values put in place of each field of a valid input, chosen by the field's type to keep the run short. */
const WRONG_TYPE: [string, unknown][] = [
  ["null", null],
  ["an object", { a: 1 }],
  ["an array of objects", [{ id: 1 }]],
];
const FOR_STRINGS: [string, unknown][] = [
  ["a number", 123],
  ["a 1 MB string", HUGE],
  ["emoji", "😀👩‍👩‍👧‍👦🏳️‍🌈"],
  ["RTL override and Arabic", "\u202Egpj.exe\u202C مرحبا"],
  ["combining marks", "Z\u0351\u0352\u0353a\u0301\u0302\u0303\u0304"],
  ["a NUL", "\u0000"],
  ["NUL inside text", "a\u0000b"],
  ["a lone surrogate", "\ud800x"],
  ["an SQL-ish string", "'; DROP TABLE photos; --"],
  ["a path", "../../etc/passwd"],
];
const FOR_NUMBERS: [string, unknown][] = [
  ["a numeric string", "123"],
  ["1e308", 1e308],
  ["-1e308", -1e308],
  ["-1", -1],
  ["0.5", 0.5],
  ["'NaN'", "NaN"],
  ["'Infinity'", "Infinity"],
];
const FOR_OTHERS: [string, unknown][] = [
  ["a string", "true"],
  ["a number", 1],
  ["a 1 MB string", HUGE],
];
const FOR_TOP_LEVEL: [string, unknown][] = [
  ["a deeply nested object", nest(200)],
  ["a deeply nested array", nestArray(200)],
];

function valuesFor(current: unknown, depth: number): [string, unknown][] {
  const byType = typeof current === "string" ? FOR_STRINGS : typeof current === "number" ? FOR_NUMBERS : FOR_OTHERS;
  return [...WRONG_TYPE, ...byType, ...(depth === 1 ? FOR_TOP_LEVEL : [])];
}

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
function nestArray(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** Every leaf and node path of a JSON value, with a setter that returns a modified deep copy. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = at.length ? [at] : [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}
function getAt(v: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], v);
}
function setAt(v: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(v)) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path.at(-1)!] = value;
  return copy;
}

interface Case {
  proc: ProcedureInfo;
  what: string;
  raw: string;
}

function casesFor(proc: ProcedureInfo, base: unknown): Case[] {
  const raw = (v: unknown) => JSON.stringify(v);
  const out: Case[] = [];
  for (const p of paths(base))
    for (const [name, value] of valuesFor(getAt(base, p), p.length)) out.push({ proc, what: `${p.join(".")} = ${name}`, raw: raw(setAt(base, p, value)) });
  const whole: [string, string][] = [
    ["a string", raw("x")],
    ["a number", raw(42)],
    ["null", raw(null)],
    ["an array", raw([])],
    ["an array holding the valid input", raw([base])],
    ["a 1 MB string", raw(HUGE)],
    ["a 10 000-deep object", `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`],
    ["a 10 000-deep array", `${"[".repeat(10_000)}1${"]".repeat(10_000)}`],
    ["extra keys, __proto__ and constructor", raw(base).replace(/^\{/, '{"__proto__":{"polluted":1,"isAdmin":true},"constructor":{"prototype":{"polluted":1}},"extra":"x",')],
    ["1e999 (Infinity once parsed) for every number", raw(base).replace(/:(-?\d+(\.\d+)?)(?=[,}\]])/g, ":1e999")],
    ["-0 and exponents for every number", raw(base).replace(/:(-?\d+(\.\d+)?)(?=[,}\]])/g, ":-0e0")],
    ["invalid JSON", "{"],
  ];
  for (const [what, text] of whole) out.push({ proc, what: `whole input = ${what}`, raw: text });
  return out;
}

function parseOrUndefined(text: string): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function schemaAccepts(proc: ProcedureInfo, raw: string) {
  const parsed = parseOrUndefined(raw);
  return parsed.ok && proc.input!.safeParse(parsed.value).success;
}

/**
 * What a hostile input must get: never a 5xx. A schema failure is BAD_REQUEST with field errors; a request over the
 * size limits is refused by size; a valid but meaningless input may be NOT_FOUND, PRECONDITION_FAILED and the like.
 */
function verdict(c: Case, r: HttpAnswer): string | null {
  if (r.status >= 500) return `server error ${r.status} ${r.code ?? ""} ${r.text.slice(0, 200)}`;
  if (/\n\s+at |node_modules|\/work\/|\.ts:\d+/.test(r.text)) return `internals leaked: ${r.text.slice(0, 200)}`;
  if (c.proc.type === "mutation" && Buffer.byteLength(c.raw) > MiB) return r.status === 413 ? null : `expected 413 for a body over 1 MB, got ${r.status}`;
  if (c.proc.type === "query" && encodeURIComponent(c.raw).length > 16_000) return r.status === 431 || r.status === 414 || r.status === 413 ? null : `expected 431/414 for a huge URL, got ${r.status}`;
  const parsed = parseOrUndefined(c.raw);
  if (!parsed.ok) return r.status === 400 ? null : `expected 400 for invalid JSON, got ${r.status}`;
  let schemaOk = false;
  try {
    schemaOk = c.proc.input!.safeParse(parsed.value).success;
  } catch {
    schemaOk = false; // a 150 000-deep value may overflow the stack locally; the server must still answer 4xx
  }
  if (!schemaOk) {
    if (r.status !== 400 || r.code !== "BAD_REQUEST") return `expected BAD_REQUEST for a schema failure, got ${r.status} ${r.code}`;
    if (!r.fieldErrors) return "BAD_REQUEST without fieldErrors";
    return null;
  }
  return r.status < 500 ? null : `status ${r.status}`;
}

beforeAll(async () => {
  t = await startTestStack({ env: { ADMIN_EMAILS: FUZZER } });
  user = await t.signUp(FUZZER);
  const body = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#888888" } }).jpeg().toBuffer();
  [photoId] = (await uploadPhotos(t, user.caller, [{ name: "mine.jpg", type: "image/jpeg", body }])) as [string];
}, 60_000);
afterAll(async () => t?.stop());

/** Sign-out's input is fuzzed without the session: with it, the first valid case would end the fuzzer's session. */
const tokenFor = (p: ProcedureInfo) => (p.path === "auth.signOut" ? undefined : user.accessToken);
const healthy = async () => (await fetch(`${t.baseUrl}/healthz`)).status;

describe("hostile input never causes a server error (procedures generated from the router)", () => {
  it("has a valid sample input for every procedure that takes input", () => {
    const samples = sampleInputs(randomIds());
    expect(withInput.length).toBeGreaterThan(20);
    for (const p of withInput) expect(samples[p.path], `add ${p.path} to sampleInputs`).toBeDefined();
  });

  it.each(withInput.map((p) => [p.path, p] as const))("%s", async (_path, proc) => {
    const base = sampleInputs(randomIds(), `fuzz-${Date.now()}@example.com`)[proc.path]![0];
    const cases = casesFor(proc, base).filter((c) => fullyFuzzed.has(proc.path) || schemaAccepts(proc, c.raw));
    const answers = await mapLimit(cases, 12, (c) => callProcedure(t.baseUrl, proc, undefined, { raw: c.raw, token: tokenFor(proc) }));
    const failures = cases.map((c, i) => ({ what: c.what, problem: verdict(c, answers[i]!) })).filter((f) => f.problem);
    expect(failures).toEqual([]);
    expect(await healthy()).toBe(200);
  }, 60_000);

  it("leaves Object.prototype unpolluted (the API runs in this process)", () => {
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it("a 150 000-deep object (just under the body limit) never causes a server error", async () => {
    // (an object whose only key is unknown is valid where every field has a default, so 200 is fine there)
    const deep = `${'{"a":'.repeat(150_000)}1${"}".repeat(150_000)}`;
    const res = await mapLimit(withInput, 4, (p) => callProcedure(t.baseUrl, p, undefined, { raw: deep, token: tokenFor(p) }));
    expect(withInput.filter((_, i) => res[i]!.status >= 500).map((p) => p.path)).toEqual([]);
    expect(res.filter((r) => r.status >= 400).length).toBeGreaterThan(withInput.length / 2);
    expect(await healthy()).toBe(200);
  });

  it("garbage tRPC batches answer 4xx", async () => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${user.accessToken}` };
    const bodies = ['{"0":{"id":1},"1":"x"}', "[1,2,3]", '"x"', "{", '{"0":' + '{"a":'.repeat(5000) + "1" + "}".repeat(5001)];
    for (const body of bodies) {
      const r = await fetch(`${t.baseUrl}/trpc/photos.updateCaption,videos.cancel?batch=1`, { method: "POST", headers, body });
      expect(r.status).toBeGreaterThanOrEqual(200);
      expect(r.status).toBeLessThan(500);
    }
    const q = await fetch(`${t.baseUrl}/trpc/photos.get,admin.users?batch=1&input=${encodeURIComponent('{"0":{"id":"nope"},"1":[]}')}`, { headers });
    expect(q.status).toBeLessThan(500);
  });
});

describe("limits and text the database cannot store", () => {
  it("a body over 1 MB -> 413, not 500, and the server stays healthy", async () => {
    const r = await callProcedure(t.baseUrl, { path: "photos.updateCaption", type: "mutation" }, undefined, {
      raw: JSON.stringify({ id: photoId, caption: "y".repeat(MiB + 10) }),
      token: user.accessToken,
    });
    expect(r.status).toBe(413);
    expect(r.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await healthy()).toBe(200);
  });

  it("a NUL in a caption -> BAD_REQUEST naming the field, and the caption is unchanged", async () => {
    await user.caller.photos.updateCaption({ id: photoId, caption: "before" });
    const r = await callProcedure(t.baseUrl, { path: "photos.updateCaption", type: "mutation" }, { id: photoId, caption: "bad\u0000caption" }, { token: user.accessToken });
    expect([r.status, r.code]).toEqual([400, "BAD_REQUEST"]);
    expect(r.fieldErrors).toHaveProperty("caption");
    expect((await user.caller.photos.get({ id: photoId })).caption).toBe("before");
  });

  it("a NUL in a file name -> BAD_REQUEST naming the field, and nothing is created", async () => {
    const before = await user.caller.photos.usage();
    const audioBefore = await user.caller.audio.list();
    const r = await callProcedure(t.baseUrl, { path: "photos.createUploads", type: "mutation" }, { files: [{ filename: "a\u0000.jpg", contentType: "image/jpeg", bytes: 10 }] }, { token: user.accessToken });
    expect([r.status, r.code]).toEqual([400, "BAD_REQUEST"]);
    expect(r.fieldErrors).toHaveProperty(["files.0.filename"]);
    expect(await user.caller.photos.usage()).toEqual(before);
    const audio = await callProcedure(t.baseUrl, { path: "audio.createUpload", type: "mutation" }, { filename: "s\u0000.wav", contentType: "audio/wav", bytes: 10 }, { token: user.accessToken });
    expect([audio.status, audio.code]).toEqual([400, "BAD_REQUEST"]);
    expect(await user.caller.audio.list()).toEqual(audioBefore);
  });

  it("a NUL in a video title never causes a server error", async () => {
    const r = await callProcedure(t.baseUrl, { path: "videos.create", type: "mutation" }, { title: "T\u0000itle", slides: [{ photoId }], secondsPerPhoto: 2, quality: "draft", resolution: "720p" }, { token: user.accessToken });
    expect(r.status).toBeLessThan(500);
    expect(await healthy()).toBe(200);
  });

  it("a well-formed cursor with impossible values -> BAD_REQUEST, not 500", async () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const cursors = [enc(["not-a-date", "not-a-uuid"]), enc([1e308, 5]), enc(["2024-01-01T00:00:00.000Z", "not-a-uuid"]), enc(["275760-09-13", "00000000-0000-0000-0000-000000000000"])];
    const lists: [string, Record<string, unknown>][] = [
      ["photos.list", { limit: 5 }],
      ["photos.list", { limit: 5, sort: "taken" }],
      ["admin.users", { limit: 5 }],
      ["videos.list", { limit: 5 }],
      ["admin.jobs", { limit: 5, status: "QUEUED" }],
    ];
    const bad: string[] = [];
    for (const [path, input] of lists)
      for (const cursor of cursors) {
        const r = await callProcedure(t.baseUrl, { path, type: "query" }, { ...input, cursor }, { token: user.accessToken });
        if (r.status >= 500 || (r.status !== 200 && r.code !== "BAD_REQUEST")) bad.push(`${path} ${Buffer.from(cursor, "base64url").toString()} -> ${r.status} ${r.code}`);
      }
    expect(bad).toEqual([]);
  });

  it("the server is healthy after all of it", async () => {
    expect(await healthy()).toBe(200);
    expect((await callProcedure(t.baseUrl, { path: "auth.me", type: "query" }, undefined, { token: user.accessToken })).status).toBe(200);
  });
});
