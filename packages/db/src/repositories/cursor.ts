import { DomainError } from "@photoreel/core";

/** Opaque keyset cursor: base64url JSON of the last row's sort values. */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === "string" || typeof x === "number")) return v;
  } catch {
    // fall through
  }
  throw new DomainError("BAD_REQUEST", "This page link is no longer valid; reload the list");
}
