import { pipeline } from "node:stream/promises";
import { DomainError, type SharedMedia } from "@photoreel/core";
import type { Express, NextFunction, Request, Response } from "express";
import type { ApiApp } from "../compose";
import { shareDocument, type SharePageState } from "./share-page-html";

const LOCAL_TIME_SCRIPT = `for (const t of document.querySelectorAll("time[data-local]")) {
  const d = new Date(t.dateTime);
  if (!Number.isNaN(d.getTime())) t.textContent = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
`;

/** The most one Range answer carries: a browser asks again for the rest, and the API never holds a whole video. */
const MAX_RANGE_BYTES = 4 * 1024 * 1024;

/**
 * Share links (videos.share), served to anyone holding the link, signed in or not:
 * - `/s/{token}`: a page with the player, title, poster, download button, expiry and Open Graph / Twitter card tags;
 *   an expired or revoked link answers a 410 page, an unknown one a 404 page, each saying what happened.
 * - `/s/{token}/video.mp4` (with HTTP Range, for seeking), `/s/{token}/poster.jpg`, `/s/{token}/download`
 *   (the raw file as an attachment, for download links): the bytes are streamed by the API, so a visitor never sees
 *   an object key (which names the owner's user id) or a presigned URL.
 * Everything answers `Cache-Control: no-store`: a revoked link must stop working at once, also behind a cache.
 */
export function registerSharePages(x: Express, app: ApiApp) {
  const origin = new URL(app.config.PUBLIC_URL).origin;
  const videos = app.services.videos;

  // The page's one script (same origin, so the CSP's script-src 'self' allows it): the expiry in the visitor's own
  // time zone, where the server can only write UTC.
  x.get("/share-page.js", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.type("text/javascript").send(LOCAL_TIME_SCRIPT);
  });

  x.get("/s/:token", async (req, res, next) => {
    const token = req.params.token;
    res.setHeader("Cache-Control", "no-store");
    try {
      const video = await videos.openShare(token);
      sendPage(res, 200, { kind: "video", video, base: `${origin}/s/${token}`, path: `/s/${token}`, secure: origin.startsWith("https:") });
    } catch (e) {
      sharePageError(e, res, next);
    }
  });

  const media = (which: "video" | "poster", attachment: boolean) => async (req: Request, res: Response, next: NextFunction) => {
    const token = String(req.params.token);
    res.setHeader("Cache-Control", "no-store");
    try {
      const m = await videos.openShareMedia(token, which);
      if (attachment) {
        const { downloadName } = await videos.openShare(token);
        res.attachment(downloadName);
      }
      await sendMedia(req, res, m);
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      sharePageError(e, res, next);
    }
  };
  x.get("/s/:token/video.mp4", media("video", false));
  x.get("/s/:token/poster.jpg", media("poster", false));
  x.get("/s/:token/download", media("video", true));
}

function sendPage(res: Response, status: number, state: SharePageState) {
  res.status(status).type("html").send(shareDocument(state));
}

function sharePageError(e: unknown, res: Response, next: NextFunction) {
  if (e instanceof DomainError && e.code === "NOT_FOUND") {
    const gone = e.details?.gone;
    if (gone === "expired" || gone === "revoked") return sendPage(res, 410, { kind: gone, message: e.message });
    return sendPage(res, 404, { kind: "unknown", message: e.message });
  }
  if (e instanceof DomainError && e.code === "SERVICE_UNAVAILABLE") {
    res.setHeader("Retry-After", "5");
    return sendPage(res, 503, { kind: "unavailable", message: e.message });
  }
  next(e);
}

/** Whole object (200) or one byte range (206), as a browser's video element asks for them. */
async function sendMedia(req: Request, res: Response, m: SharedMedia) {
  res.setHeader("Accept-Ranges", "bytes");
  res.type(m.contentType);
  const range = parseRange(req.headers.range, m.size);
  if (range === "unsatisfiable") {
    res.status(416).setHeader("Content-Range", `bytes */${m.size}`);
    return void res.end();
  }
  if (range) {
    const end = Math.min(range.end, range.start + MAX_RANGE_BYTES - 1);
    const body = req.method === "HEAD" ? Buffer.alloc(0) : await m.read(range.start, end);
    res.status(206).setHeader("Content-Range", `bytes ${range.start}-${end}/${m.size}`);
    res.setHeader("Content-Length", String(end - range.start + 1));
    return void res.end(body);
  }
  res.status(200).setHeader("Content-Length", String(m.size));
  if (req.method === "HEAD") return void res.end();
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  await pipeline(await m.stream(abort.signal), res).catch((e: unknown) => {
    if (!abort.signal.aborted) throw e;
  });
}

/** One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`; several ranges or anything else: the whole object. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return "unsatisfiable";
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}
