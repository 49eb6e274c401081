import { TRPCClientError } from "@trpc/client";

export interface ApiErrorData {
  code?: string;
  httpStatus?: number;
  fieldErrors?: Record<string, string[]> | null;
  retryAfterSeconds?: number | null;
}

export function errorData(err: unknown): ApiErrorData {
  if (err instanceof TRPCClientError) return (err.data ?? {}) as ApiErrorData;
  return {};
}

export const errorCode = (err: unknown) => errorData(err).code;

/** A message a user can act on; never a stack trace or a raw fetch error. */
export function errorMessage(err: unknown, fallback = "Something went wrong. Try again in a moment."): string {
  if (err instanceof TRPCClientError) {
    if (!err.data) {
      // No tRPC error body: the request did not reach the API (offline, proxy error).
      return navigator.onLine === false ? "You are offline. Check your connection and try again." : "Could not reach photoreel. Check your connection and try again.";
    }
    return err.message || fallback;
  }
  if (err instanceof Error && err.message) return err.message;
  return fallback;
}
