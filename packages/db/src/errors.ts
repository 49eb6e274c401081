import { DomainError, isSocketError, serviceUnavailable } from "@photoreel/core";

/** SQLSTATEs of a server that is shutting down, starting or unreachable (class 57P admin shutdown, class 08 connection). */
const UNAVAILABLE_CODES = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"]);

/**
 * The database adapters' edge. A server that is down or restarting becomes SERVICE_UNAVAILABLE (retryable); a value
 * PostgreSQL refuses (class 22, data exception: a NUL in text, a forged page cursor's impossible date) is the
 * caller's input, BAD_REQUEST. Everything else passes through as an internal error.
 */
export function pgErrorToDomain(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : "";
  if ((typeof code === "string" && UNAVAILABLE_CODES.has(code)) || isSocketError(e) || /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(message))
    return serviceUnavailable(e);
  if (typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code)) {
    const nul = code === "22021" || code === "22P05";
    return new DomainError(
      "BAD_REQUEST",
      nul ? "Remove the invisible NUL characters (\\u0000) from the text you sent" : "Some of the values sent cannot be used (an outdated page link?). Reload and try again.",
      { sqlState: code },
      { cause: e },
    );
  }
  return e;
}
