import { initTRPC, TRPCError } from "@trpc/server";
import { DomainError } from "@photoreel/core";
import { ZodError, type z } from "zod";
import type { Context } from "./context";

type FieldErrors = Record<string, string[]>;

function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const k = i.path.map(String).join(".") || "_";
    (out[k] ??= []).push(i.message);
  }
  return out;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let fields: FieldErrors | null = null;
    if (cause instanceof ZodError) fields = fieldErrors(cause.issues);
    else if (cause instanceof DomainError && Array.isArray(cause.details?.issues)) fields = fieldErrors(cause.details.issues as z.core.$ZodIssue[]);
    else if (cause instanceof DomainError && Array.isArray(cause.details?.path)) fields = { [(cause.details.path as unknown[]).join(".")]: [cause.message] };
    const retryAfterSeconds = cause instanceof DomainError ? (cause.details?.retryAfterSeconds as number | undefined) : undefined;
    return {
      ...shape,
      message: error.code === "INTERNAL_SERVER_ERROR" ? "Something went wrong on our side. Try again in a moment." : error.code === "BAD_REQUEST" && cause instanceof ZodError ? "Check the highlighted fields" : shape.message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, fieldErrors: fields, retryAfterSeconds: retryAfterSeconds ?? null },
    };
  },
});

const STATUS: Record<DomainError["code"], TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/** One place maps domain errors to tRPC codes; only unexpected errors are logged as errors. */
const errorMapping = t.middleware(async ({ ctx, next, path, getRawInput }) => {
  const res = await next();
  if (!res.ok) {
    const err = res.error;
    const cause = err.cause;
    if (cause instanceof DomainError) {
      const mapped = new TRPCError({ code: STATUS[cause.code], message: cause.message, cause });
      return { ...res, error: mapped };
    }
    if (err.code === "INTERNAL_SERVER_ERROR") {
      const dataError = postgresDataException(cause);
      if (dataError) {
        // A value PostgreSQL refuses (a NUL in text, a forged page cursor): the caller's input, not our failure.
        ctx.logger.warn({ path, requestId: ctx.requestId, pgCode: dataError }, "input the database cannot store");
        const nulAt = dataError === "22021" || dataError === "22P05" ? nulPath(await getRawInput().catch(() => undefined)) : null;
        const domain = nulAt
          ? new DomainError("BAD_REQUEST", "Remove the invisible NUL characters (\\u0000) from this text", { path: nulAt })
          : new DomainError("BAD_REQUEST", "Some of the values sent cannot be used (an outdated page link?). Reload and try again.");
        return { ...res, error: new TRPCError({ code: "BAD_REQUEST", message: domain.message, cause: domain }) };
      }
      const unavailable = unavailableError(cause);
      if (unavailable) {
        ctx.logger.warn({ path, requestId: ctx.requestId, err: String(cause) }, "dependency unavailable");
        return { ...res, error: unavailable };
      }
      ctx.logger.error({ path, requestId: ctx.requestId, err: cause ?? err }, "internal error");
    }
  }
  return res;
});

/** The SQLSTATE of a PostgreSQL "data exception" (class 22: bad text encoding, invalid uuid/date, out of range). */
function postgresDataException(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code) ? code : null;
}

/** Where the first string holding U+0000 sits in a raw input, as a field path. */
function nulPath(v: unknown, at: (string | number)[] = [], depth = 0): (string | number)[] | null {
  if (typeof v === "string") return v.includes("\u0000") ? at : null;
  if (!v || typeof v !== "object" || depth > 32) return null;
  for (const [k, x] of Object.entries(v)) {
    const found = nulPath(x, [...at, Array.isArray(v) ? Number(k) : k], depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * SERVICE_UNAVAILABLE (retryable) for a dependency that is down or restarting, else null. Used by the procedures'
 * error mapping and by the HTTP adapter's context creation, which reads the database before any procedure runs.
 */
export function unavailableError(cause: unknown): TRPCError | null {
  if (!isConnectionError(cause)) return null;
  return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The service is briefly unavailable. Try again in a moment.", cause });
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  const msg = e instanceof Error ? e.message : "";
  // AWS SDK: a stand-in or service that timed out or dropped the socket is as retryable as a database restart.
  if (e instanceof Error && ["TimeoutError", "RequestTimeout", "ServiceUnavailable", "ThrottlingException", "ProvisionedThroughputExceededException"].includes(e.name)) return true;
  return (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P03", "08006", "08001", "08003"].includes(code ?? "") ||
    /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(msg)
  );
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(errorMapping);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { user: ctx.user } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.groups.includes("admin")) throw new TRPCError({ code: "FORBIDDEN", message: "This area is for operators only" });
  return next();
});
