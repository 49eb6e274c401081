import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { buildHeif, codedImage, heifEnc, props } from "@photoreel/images/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER_BUNDLE } from "./entries";
import { draftSpec, uploadPhotos, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";

const exec = promisify(execFile);
let t: TestStack;
let worker: WorkerProcess;

beforeAll(async () => {
  // The worker's own build script, as the image's build stage runs it.
  await exec("pnpm", ["run", "build"], { cwd: dirname(dirname(WORKER_BUNDLE)) });
  t = await startTestStack();
  worker = spawnWorker(WORKER_BUNDLE, t.env);
}, 120_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  await t?.stop();
});

describe("the bundled worker (what the worker image runs)", () => {
  it("ships its pre-scale child (and the HEIC decoder's thread file) beside main.js and renders a video with a HEIC to READY", async () => {
    expect(existsSync(join(dirname(WORKER_BUNDLE), "prescale-child.js"))).toBe(true);
    expect(existsSync(join(dirname(WORKER_BUNDLE), "heif-worker.mjs"))).toBe(true);
    const alice = await t.signUp();
    const bodies = await Promise.all(
      ["#c04040", "#40c040"].map((background) => sharp({ create: { width: 1200, height: 900, channels: 3, background } }).jpeg().toBuffer()),
    );
    const coded = codedImage(await heifEnc(await sharp({ create: { width: 320, height: 240, channels: 3, background: "#4040c0" } }).png().toBuffer()));
    const heic = buildHeif({ brands: ["heic", "mif1"], primary: 1, items: [{ id: 1, type: coded.itemType, data: coded.data, props: [...coded.codingProps, props.ispe(320, 240)] }] });
    const ids = await uploadPhotos(t, alice.caller, [
      ...bodies.map((body, i) => ({ name: `b${i}.jpg`, type: "image/jpeg", body })),
      { name: "c.heic", type: "image/heic", body: heic },
    ]);
    const created = await alice.caller.videos.create(draftSpec(ids));
    const ready = await until(`video ${created.id} READY`, async () => {
      const v = await alice.caller.videos.get({ id: created.id });
      if (v.status === "FAILED") throw new Error(`failed: ${v.error}; worker log:\n${worker.logs.slice(-10).join("\n")}`);
      return v.status === "READY" ? v : null;
    }, 60_000);
    expect(ready.bytes).toBeGreaterThan(0);
    expect((await fetch(ready.posterUrl!)).status).toBe(200);
  }, 120_000);

  it("maps our own code only: a frame in our code names its .ts line, a library's stays on the bundle (the full map cost about 60 MB)", () => {
    const payload = JSON.parse(readFileSync(`${WORKER_BUNDLE}.map`, "utf8")) as { sources: string[] };
    expect(payload.sources.length).toBeGreaterThan(20);
    expect(payload.sources.filter((s) => s.includes("node_modules"))).toEqual([]);
    const map = new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]);
    const lines = readFileSync(WORKER_BUNDLE, "utf8").split("\n");
    const at = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      expect(line).toBeGreaterThan(-1);
      return map.findEntry(line, lines[line]!.indexOf(needle));
    };
    const ours = at('"worker polling"');
    expect(ours).toMatchObject({ originalSource: expect.stringMatching(/(^|\/)src\/worker\.ts$/) });
    // fluent-ffmpeg's own source, bundled: no entry.
    expect(at("Output stream closed, scheduling kill")).toEqual({});
    // Every library module (esbuild heads each with its path) is unmapped, including those after our code, which
    // must not read as the last line of ours before them.
    const heads = lines.flatMap((l, i) => (/^\/\/ \S*node_modules\//.test(l) ? [i + 1] : []));
    expect(heads.length).toBeGreaterThan(500);
    const sourceAt = (i: number) => (map.findEntry(i, 0) as { originalSource?: string }).originalSource;
    const mapped = heads.filter((i) => sourceAt(i) !== undefined);
    expect(mapped.map((i) => `${lines[i - 1]} -> ${sourceAt(i)}`).slice(0, 3)).toEqual([]);
  });
});
