import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { initTRPC, TRPCError } from "@trpc/server";
import { DomainError } from "@photoreel/core";
import { ZodError, type z } from "zod";
import type { Context } from "./context";
import { toTRPCError } from "./errors";

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

/**
 * One place maps domain errors (the services' and, at their edge, the adapters') to tRPC codes. Only unexpected
 * errors are logged as errors; a dependency that is down is a warning (its cause is logged, never shown).
 */
const errorMapping = t.middleware(async ({ ctx, next, path }) => {
  const res = await next();
  if (!res.ok) {
    const cause = res.error.cause;
    if (cause instanceof DomainError) {
      if (cause.cause !== undefined) ctx.logger.warn({ path, requestId: ctx.requestId, code: cause.code, err: String(cause.cause) }, cause.code === "SERVICE_UNAVAILABLE" ? "dependency unavailable" : "input the infrastructure refused");
      return { ...res, error: toTRPCError(cause) };
    }
    if (res.error.code === "INTERNAL_SERVER_ERROR") ctx.logger.error({ path, requestId: ctx.requestId, err: cause ?? res.error }, "internal error");
  }
  return res;
});

const tracer = trace.getTracer("photoreel/api");

/**
 * One span per procedure call, named by the procedure, with the caller's user id: the queue send and the worker's
 * render continue this trace (a no-op when tracing is off).
 */
const tracing = t.middleware(({ ctx, next, path, type }) =>
  tracer.startActiveSpan(
    `trpc ${path}`,
    { kind: SpanKind.SERVER, attributes: { "rpc.system": "trpc", "rpc.method": path, "trpc.type": type, ...(ctx.user ? { "enduser.id": ctx.user.sub } : {}) } },
    async (span) => {
      try {
        const res = await next();
        if (!res.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: res.error.code });
        return res;
      } finally {
        span.end();
      }
    },
  ),
);

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(tracing).use(errorMapping);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { user: ctx.user } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.groups.includes("admin")) throw new TRPCError({ code: "FORBIDDEN", message: "This area is for operators only" });
  return next();
});
