import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../src/index";
import { makeSine, tempDir } from "./fixtures";

// Every FFmpeg input the worker opens may read local files only (`-protocol_whitelist file`), whatever demuxer is
// named: a playlist or concat list that names a URL must not make the worker fetch it. A local HTTP server counts
// the requests that reach it; the payloads are generated here.
let root: string;
let cleanup: () => Promise<void>;
let server: Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir("render-protocols-"));
  const segment = await import("node:fs/promises").then((fs) => makeSine(path.join(root, "seg.wav"), 2).then((p) => fs.readFile(p)));
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    res.writeHead(200, { "content-type": "audio/wav" }).end(segment);
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await cleanup();
});

const out = (name: string) => path.join(root, `${name}.wav`);

describe("FFmpeg inputs are limited to local files", () => {
  it.each([
    ["an HLS playlist", "hls", "list.m3u8", (url: string) => `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n${url}\n#EXT-X-ENDLIST\n`],
    ["an ffconcat list", "concat", "list.txt", (url: string) => `ffconcat version 1.0\nfile '${url}'\n`],
  ])("%s naming a URL is refused without a request leaving the machine", async (_name, demuxer, file, body) => {
    const list = path.join(root, `${demuxer}-${file}`);
    await writeFile(list, body(`${base}/${demuxer}.wav`));
    const before = hits.length;
    await expect(runFfmpeg(["-f", demuxer, ...(demuxer === "concat" ? ["-safe", "0"] : []), "-i", list, "-t", "1", out(demuxer)])).rejects.toThrow();
    expect(hits.slice(before)).toEqual([]);
  });

  it("an input that is itself a URL is refused without a request, even with its demuxer named", async () => {
    const before = hits.length;
    await expect(runFfmpeg(["-f", "wav", "-i", `${base}/direct.wav`, "-t", "1", out("direct")])).rejects.toThrow();
    expect(hits.slice(before)).toEqual([]);
  });

  it("the same concat list naming a local file still works (the guard is the protocol, not the demuxer)", async () => {
    const list = path.join(root, "local.txt");
    await writeFile(list, `ffconcat version 1.0\nfile '${path.join(root, "seg.wav")}'\n`);
    await runFfmpeg(["-f", "concat", "-safe", "0", "-i", list, "-t", "1", out("local")]);
    expect(hits).toEqual([]);
  });

  it("an input without a named demuxer is refused before FFmpeg starts", async () => {
    await expect(runFfmpeg(["-i", path.join(root, "seg.wav"), out("unnamed")])).rejects.toThrow(/needs its demuxer named with -f/);
  });
});
