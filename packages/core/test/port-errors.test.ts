import { describe, expect, it } from "vitest";
import { DomainError, mapPortErrors, serviceUnavailable } from "../src/index";

class Flaky {
  readonly name = "flaky";
  private readonly reason = new Error("connect ECONNREFUSED 127.0.0.1:1");
  async read() {
    throw this.reason;
  }
  throwsNow(): number {
    throw this.reason;
  }
  ok(n: number) {
    return n + 1;
  }
  async *list() {
    yield 1;
    throw this.reason;
  }
  async refused() {
    throw new DomainError("NOT_FOUND", "Photo not found");
  }
}

const toDomain = (e: unknown) => (e instanceof DomainError ? e : serviceUnavailable(e));

describe("mapPortErrors", () => {
  const port = mapPortErrors(new Flaky(), toDomain);

  it("maps rejected promises, thrown errors and failing async iterables alike, keeping the cause", async () => {
    await expect(port.read()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE", cause: { message: "connect ECONNREFUSED 127.0.0.1:1" } });
    expect(() => port.throwsNow()).toThrow(DomainError);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of port.list()) seen.push(n);
      })(),
    ).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(seen).toEqual([1]);
  });

  it("leaves results, properties, private state and the adapter's own domain errors alone", async () => {
    expect(port.ok(1)).toBe(2);
    expect(port.name).toBe("flaky");
    await expect(port.refused()).rejects.toMatchObject({ code: "NOT_FOUND", message: "Photo not found" });
  });
});
