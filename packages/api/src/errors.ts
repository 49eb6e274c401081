import { TRPCError } from "@trpc/server";
import type { DomainError } from "@photoreel/core";

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

/** The one mapping of domain errors to tRPC's codes (and so to HTTP statuses). */
export const toTRPCError = (e: DomainError) => new TRPCError({ code: STATUS[e.code], message: e.message, cause: e });
