export type DomainErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "PAYLOAD_TOO_LARGE"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE";

/** An error a user can cause and fix; the message says what to do. Anything else is an internal error. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** `cause`: the infrastructure error an adapter turned into this one (logged, never shown). */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found`);

/** A dependency (database, S3, queue, table, identity provider) is down or restarting: the caller may retry. */
export const serviceUnavailable = (cause: unknown) =>
  new DomainError("SERVICE_UNAVAILABLE", "The service is briefly unavailable. Try again in a moment.", undefined, { cause });

/** Socket-level failures Node reports the same way for every client (pg, the AWS SDK's HTTP handler, fetch). */
export function isSocketError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code);
}

/**
 * Wraps a port implementation so that every error leaving it goes through `map` (an adapter's own translation of
 * its infrastructure's failures into DomainErrors): promises, async iterables and plain throws alike. This is the
 * adapter edge: nothing above it needs to know PostgreSQL's error codes or the AWS SDK's error names.
 */
export function mapPortErrors<T extends object>(port: T, map: (e: unknown) => unknown): T {
  const rethrow = (e: unknown): never => {
    throw map(e);
  };
  const iterate = <V>(it: AsyncIterable<V>): AsyncIterable<V> => ({
    async *[Symbol.asyncIterator]() {
      try {
        yield* it;
      } catch (e) {
        rethrow(e);
      }
    },
  });
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        let out: unknown;
        try {
          out = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (e) {
          return rethrow(e);
        }
        if (out instanceof Promise) return out.catch(rethrow);
        if (out && typeof out === "object" && Symbol.asyncIterator in out) return iterate(out as AsyncIterable<unknown>);
        return out;
      };
    },
  });
}
