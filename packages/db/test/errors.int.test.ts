import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, photoRepository, userRepository } from "../src/index";
import { createTestDatabase } from "../src/testing";

/** A port nothing listens on: bound, closed, then reused by nobody for the length of the test. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe("the repositories' error edge (real PostgreSQL)", () => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    t = await createTestDatabase();
  }, 30_000);
  afterAll(async () => t?.drop());

  it("a value PostgreSQL refuses is the caller's BAD_REQUEST, its cause kept for the log", async () => {
    const photos = photoRepository(t.db);
    await userRepository(t.db).ensure("owner-1", "o@example.com");
    const id = crypto.randomUUID();
    await photos.insertMany([{ id, ownerId: "owner-1", filename: "a.jpg", contentType: "image/jpeg", bytes: 1, uploadId: null }]);
    await expect(photos.update("owner-1", id, { caption: "a\u0000b" })).rejects.toMatchObject({ name: "DomainError", code: "BAD_REQUEST", message: expect.stringMatching(/NUL/), cause: { code: "22021" } });
    // A well-formed page cursor whose values are impossible (forged or from an old format).
    const forged = Buffer.from(JSON.stringify(["not-a-date", "not-a-uuid"])).toString("base64url");
    await expect(photos.list("owner-1", { sort: "taken", limit: 5, cursor: forged })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("a database that does not answer is SERVICE_UNAVAILABLE (retryable), not an internal error", async () => {
    const { db } = createDb({ url: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`, poolSize: 1 });
    try {
      await expect(userRepository(db).get("anyone")).rejects.toMatchObject({ name: "DomainError", code: "SERVICE_UNAVAILABLE", cause: expect.anything() });
    } finally {
      await db.destroy();
    }
  });
});
