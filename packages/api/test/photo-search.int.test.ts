import { uuidv7 } from "@photoreel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../src/testing";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => t?.stop());

/** Rows straight into the database: search reads only names, captions, dates and statuses, never the files. */
async function seed(ownerId: string, rows: { filename: string; caption?: string; takenAt?: string; createdAt?: string; status?: "ready" | "processing" | "rejected" }[]) {
  const ids = rows.map(() => uuidv7());
  await t.app.db
    .insertInto("photos")
    .values(rows.map((r, i) => ({
      id: ids[i]!, owner_id: ownerId, status: r.status ?? "ready", filename: r.filename, content_type: "image/jpeg", bytes: 1000,
      caption: r.caption ?? null, taken_at: r.takenAt ?? null, created_at: r.createdAt ?? new Date().toISOString(),
    })))
    .execute();
  return ids;
}

describe("photos.list search", () => {
  it("finds the caller's photos by words in file name or caption, by date range, and by status, and no one else's", async () => {
    const alice = await t.signUp();
    const bob = await t.signUp();
    const [beach, forum, party, , rejected] = await seed(alice.user.sub, [
      { filename: "IMG_2041.jpg", caption: "Beach day in Ostia", takenAt: "2024-06-01T09:00:00Z" },
      { filename: "Rome-forum.jpg", takenAt: "2024-06-03T18:00:00Z" },
      { filename: "party.png", caption: "Birthday", createdAt: "2025-02-10T12:00:00Z" },
      { filename: "IMG_2042.jpg", takenAt: "2023-12-31T23:00:00Z", status: "processing" },
      { filename: "beach-notes.txt", status: "rejected" },
    ]);
    await seed(bob.user.sub, [{ filename: "beach.jpg", caption: "Beach day", takenAt: "2024-06-01T09:00:00Z" }]);
    const ids = async (input: Parameters<typeof alice.caller.photos.list>[0]) => (await alice.caller.photos.list({ sort: "taken", limit: 50, ...input })).items.map((p) => p.id);

    expect(await ids({ q: "BEACH" })).toEqual([rejected, beach]);
    expect(await ids({ q: "  beach   ostia " })).toEqual([beach]);
    expect(await ids({ q: "rome" })).toEqual([forum]);
    expect(await ids({ q: "beach", status: ["ready", "processing"] })).toEqual([beach]);
    expect(await ids({ from: "2024-06-01T00:00:00+02:00", to: "2024-06-04T00:00:00+02:00" })).toEqual([forum, beach]);
    // Without a capture date the upload date counts, as in the grid's grouping.
    expect(await ids({ from: "2025-02-10T00:00:00Z", to: "2025-02-11T00:00:00Z" })).toEqual([party]);
    expect(await ids({ q: "forum", from: "2024-06-04T00:00:00Z" })).toEqual([]);
    expect((await bob.caller.photos.list({ q: "ostia", limit: 50 })).items).toEqual([]);
  });

  it("pages through search results with the cursor", async () => {
    const { caller, user } = await t.signUp();
    await seed(user.sub, Array.from({ length: 7 }, (_, i) => ({ filename: `trip-${i}.jpg`, takenAt: `2024-05-0${i + 1}T10:00:00Z` })));
    await seed(user.sub, [{ filename: "other.jpg" }]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.photos.list>> = await caller.photos.list({ sort: "taken", limit: 3, q: "trip", cursor });
      seen.push(...page.items.map((p) => p.filename));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["trip-6.jpg", "trip-5.jpg", "trip-4.jpg", "trip-3.jpg", "trip-2.jpg", "trip-1.jpg", "trip-0.jpg"]);
  });

  it("refuses searches that are too long, have too many words, or an inverted date range, saying what to change", async () => {
    const { caller } = await t.signUp();
    await expect(caller.photos.list({ q: "x".repeat(201) })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/at most 200 characters/) });
    await expect(caller.photos.list({ q: "a b c d e f g h i" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Search for at most 8 words at a time." });
    await expect(caller.photos.list({ from: "2024-06-02T00:00:00Z", to: "2024-06-01T00:00:00Z" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/start date must be before the end date/),
    });
    await expect(caller.photos.list({ from: "yesterday" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
