import type { DestinationStream } from "pino";

const LEVELS: Record<number, [string, string]> = {
  10: ["TRACE", "\x1b[90m"],
  20: ["DEBUG", "\x1b[36m"],
  30: ["INFO ", "\x1b[32m"],
  40: ["WARN ", "\x1b[33m"],
  50: ["ERROR", "\x1b[31m"],
  60: ["FATAL", "\x1b[41m"],
};
const DIM = "\x1b[2m";
const RESET = "\x1b[0m";
/** Fields every line has or that the short form leaves out. */
const SKIP = new Set(["level", "time", "pid", "hostname", "app", "msg", "err"]);
/** A request log's own fields: pino-http's req/res/responseTime, or the flat method/path/status/durationMs. */
const REQUEST_FIELDS = ["req", "res", "responseTime", "method", "path", "status", "durationMs"];

/**
 * A request log as `GET /path 200 12ms` (the path cut short), or null when the record is not one. The request id
 * stays on warnings and errors only: there it is what a person quotes; on every other line it is noise.
 */
function requestSummary(rec: Record<string, unknown>): string | null {
  const req = (rec.req ?? {}) as { method?: unknown; url?: unknown };
  const res = (rec.res ?? {}) as { statusCode?: unknown };
  const method = rec.method ?? req.method;
  const path = rec.path ?? req.url;
  if (typeof method !== "string" || typeof path !== "string") return null;
  const status = rec.status ?? res.statusCode;
  const ms = rec.durationMs ?? rec.responseTime;
  const short = path.length > 80 ? `${path.slice(0, 79)}…` : path;
  return ` ${method} ${short}${typeof status === "number" ? ` ${status}` : ""}${typeof ms === "number" ? ` ${Math.round(ms)}ms` : ""}`;
}

/**
 * One JSON log line as a short, coloured line for a person at a terminal: `12:04:05 INFO  api  message key=value`,
 * an error's stack under it. Anything that is not a JSON object passes through as it is.
 */
export function prettyLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return `${json}\n`;
  }
  if (!rec || typeof rec !== "object") return `${json}\n`;
  const [name, colour] = LEVELS[Number(rec.level)] ?? ["LOG  ", ""];
  const time = new Date(Number(rec.time) || Date.now()).toTimeString().slice(0, 8);
  const request = requestSummary(rec);
  const skip = (k: string) => SKIP.has(k) || (request !== null && (REQUEST_FIELDS.includes(k) || (k === "reqId" && Number(rec.level) < 40)));
  const extra = Object.entries(rec)
    .filter(([k]) => !skip(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const err = rec.err as { stack?: string; message?: string } | undefined;
  const detail = err ? `\n${DIM}${err.stack ?? err.message ?? ""}${RESET}` : "";
  return `${DIM}${time}${RESET} ${colour}${name}${RESET} ${DIM}${String(rec.app ?? "")}${RESET} ${String(rec.msg ?? "")}${request ?? ""}${extra ? ` ${DIM}${extra}${RESET}` : ""}${detail}\n`;
}

/** A pino destination that writes `prettyLine`s to stdout (used only when stdout is a terminal). */
export function prettyStdout(): DestinationStream {
  return {
    write(chunk: string) {
      for (const line of chunk.split("\n")) if (line) process.stdout.write(prettyLine(line));
    },
  };
}
