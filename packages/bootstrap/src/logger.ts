import type { Config } from "@photoreel/config";
import { pino, type DestinationStream, type Logger } from "pino";
import { prettyStdout } from "./pretty-log";

export type { Logger } from "pino";

/**
 * Fields that hold a credential wherever they appear in a log object: session cookies and Bearer tokens (request or
 * response headers), Cognito tokens, passwords, share and upload tokens. Censored, not dropped, so a reader sees
 * that something was there.
 */
export const REDACT_PATHS = [
  "headers.cookie", "headers.authorization", 'headers["set-cookie"]',
  "*.headers.cookie", "*.headers.authorization", '*.headers["set-cookie"]',
  "password", "accessToken", "refreshToken", "idToken", "token",
  "*.password", "*.accessToken", "*.refreshToken", "*.idToken", "*.token",
];

/**
 * The last line of defence, on every serialized line: a presigned URL's signature, credential or session token and
 * anything shaped like a JWT (Cognito's access, id and refresh tokens) are masked, whatever field or message they are in.
 */
export function scrubSecrets(line: string): string {
  return line
    .replace(/(X-Amz-(?:Signature|Security-Token|Credential)(?:=|\\?"\s*:\s*\\?"))[^&"\\\s]+/gi, "$1[redacted]")
    .replace(/\beyJ[\w-]{8,}\.[\w-]*\.[\w.-]+/g, "[redacted-jwt]");
}

/**
 * The one place that builds a pino logger, for every app: JSON lines, the app's name on each, the level from
 * config (LOG_LEVEL), credentials redacted (REDACT_PATHS) and scrubbed (scrubSecrets). On a terminal the same records
 * are printed short and coloured for a person; anywhere else (files, pipes, CloudWatch) they stay JSON. `destination`
 * is for tests.
 */
export function createLogger(opts: { app: string; level?: Config["LOG_LEVEL"]; base?: Record<string, unknown>; destination?: DestinationStream }): Logger {
  const options = {
    level: opts.level ?? "info",
    base: { app: opts.app, ...opts.base },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    hooks: { streamWrite: scrubSecrets },
  };
  const destination = opts.destination ?? (process.stdout.isTTY ? prettyStdout() : undefined);
  return destination ? pino(options, destination) : pino(options);
}
