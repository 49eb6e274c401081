import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite, startPgliteServer } from "@photoreel/local-stack";
import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audioRepository, createDb, migrateDown, migrateToLatest, migrationNames, photoRepository, userRepository, type Database, type Db } from "../src/index";
import { createTestDatabase } from "../src/testing";

interface Backend {
  db: Db;
  url: string;
  close: () => Promise<void>;
}

async function realPostgres(): Promise<Backend> {
  const t = await createTestDatabase({ migrate: false });
  return { db: t.db, url: t.url, close: t.drop };
}

async function embeddedPostgres(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), "pglite-"));
  // The embedded stack's own way of opening it (a saved empty cluster, the extensions the migrations need).
  const pglite = await openPglite(join(dir, "pg"));
  const server = await startPgliteServer({ db: pglite, host: "127.0.0.1", port: 0, maxConnections: 12 });
  const port = server.port;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const { db } = createDb({ url, poolSize: 10 });
  return {
    db,
    url,
    close: async () => {
      await db.destroy();
      await server.stop();
      await pglite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each([
  ["real PostgreSQL server", realPostgres],
  ["embedded PGlite", embeddedPostgres],
])("migrations on %s", (_name, make) => {
  let b: Backend;
  beforeAll(async () => {
    b = await make();
  }, 30_000);
  afterAll(async () => b?.close());

  it("applies every migration, is idempotent, and rolls back", { timeout: 60_000 }, async () => {
    expect(await migrateToLatest(b.db)).toEqual(migrationNames);
    expect(await migrateToLatest(b.db)).toEqual([]);
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' order by 1`.execute(b.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(["users", "photos", "audio_tracks", "rate_limits", "video_shares"]));
    await migrateDown(b.db);
    expect(await migrateToLatest(b.db)).toEqual([migrationNames.at(-1)]);
  });

  it("serves the repositories: users keyed by sub, keyset pages of photos", async () => {
    const users = userRepository(b.db);
    const photos = photoRepository(b.db);
    const u = await users.ensure("sub-1", "a@example.com");
    expect(u.id).toBe("sub-1");
    expect((await users.ensure("sub-1", "a@example.com")).createdAt.getTime()).toBe(u.createdAt.getTime());
    const ids = Array.from({ length: 5 }, (_, i) => `00000000-0000-7000-8000-00000000000${i}`);
    await photos.insertMany(ids.map((id) => ({ id, ownerId: "sub-1", filename: `${id}.jpg`, contentType: "image/jpeg", bytes: 10, uploadId: null })));
    const p1 = await photos.list("sub-1", { sort: "uploaded", limit: 2 });
    const p2 = await photos.list("sub-1", { sort: "uploaded", limit: 2, cursor: p1.nextCursor });
    const p3 = await photos.list("sub-1", { sort: "uploaded", limit: 2, cursor: p2.nextCursor });
    const seen = [...p1.items, ...p2.items, ...p3.items].map((p) => p.id);
    expect(new Set(seen).size).toBe(5);
    expect(p3.nextCursor).toBeNull();
    expect(await photos.usage("sub-1")).toEqual({ count: 5, bytes: 50 });
  });

  it("keeps a music track's beat times (0010): null before detection, the list after, never more than 2000", async () => {
    await userRepository(b.db).ensure("sub-beats", "beats@example.com");
    const audio = audioRepository(b.db);
    const id = "00000000-0000-7000-9000-000000000001";
    await audio.insert({ id, ownerId: "sub-beats", filename: "t.wav", contentType: "audio/wav", bytes: 10 });
    expect((await audio.get("sub-beats", id))?.beats).toBeNull();
    const beats = [0.371, 1.037, 1.704];
    expect((await audio.update("sub-beats", id, { status: "ready", beats }))?.beats).toEqual(beats);
    expect((await audio.list("sub-beats"))[0]?.beats).toEqual(beats);
    await expect(audio.update("sub-beats", id, { beats: Array.from({ length: 2001 }, (_, i) => i / 2) })).rejects.toThrow();
  });

  it("searches one owner's photos by words in file name or caption and by date, through the search index", { timeout: 60_000 }, async () => {
    const users = userRepository(b.db);
    const photos = photoRepository(b.db);
    await users.ensure("sub-s", "s@example.com");
    await users.ensure("sub-t", "t@example.com");
    const id = (n: number) => `00000000-0000-7000-8000-0000000001${String(n).padStart(2, "0")}`;
    const rows = [
      { n: 1, owner: "sub-s", filename: "IMG_0001.jpg", caption: "Beach in Rome", taken: "2024-06-01T10:00:00Z" },
      { n: 2, owner: "sub-s", filename: "rome-forum.JPG", caption: null, taken: "2024-06-02T10:00:00Z" },
      { n: 3, owner: "sub-s", filename: "100%_real.png", caption: "Birthday", taken: null },
      { n: 4, owner: "sub-s", filename: "IMGX0001.jpg", caption: null, taken: "2023-01-01T00:00:00Z" },
      { n: 5, owner: "sub-t", filename: "rome.jpg", caption: "Beach in Rome", taken: "2024-06-01T10:00:00Z" },
    ];
    await photos.insertMany(rows.map((r) => ({ id: id(r.n), ownerId: r.owner, filename: r.filename, contentType: "image/jpeg", bytes: 1, uploadId: null })));
    for (const r of rows) {
      await photos.update(r.owner, id(r.n), { status: "ready", caption: r.caption, takenAt: r.taken ? new Date(r.taken) : null });
    }
    await sql`update photos set created_at = '2025-01-05T12:00:00Z' where id = ${id(3)}`.execute(b.db);
    const find = async (q: Partial<Parameters<typeof photos.list>[1]>, owner = "sub-s") =>
      (await photos.list(owner, { sort: "taken", limit: 50, ...q })).items.map((p) => Number(p.id.slice(-2))).sort();

    expect(await find({ words: ["rome"] })).toEqual([1, 2]); // caption or file name, any case; never another owner's
    expect(await find({ words: ["rome", "beach"] })).toEqual([1]); // every word must match
    expect(await find({ words: ["100%"] })).toEqual([3]); // LIKE wildcards are literal
    expect(await find({ words: ["img_0001"] })).toEqual([1]); // "_" is not "any character" (IMGX0001 stays out)
    expect(await find({ words: ["zebra"] })).toEqual([]);
    expect(await find({ from: new Date("2024-06-01T00:00:00Z"), to: new Date("2024-06-02T00:00:00Z") })).toEqual([1]);
    expect(await find({ from: new Date("2025-01-05T00:00:00Z") })).toEqual([3]); // no capture date: the upload date counts
    expect(await find({ to: new Date("2024-01-01T00:00:00Z") })).toEqual([4]);
    expect(await find({ words: ["rome"], status: ["processing"] })).toEqual([]);
    expect(await find({ words: ["rome"] }, "sub-t")).toEqual([5]);

    // The repository's own query on a library of a realistic size is answered from the search index (it would not be
    // if the query's text expression drifted from the index's).
    await sql`insert into users (id, email) select 'filler-' || o, 'filler-' || o || '@example.com' from generate_series(1, 4) o`.execute(b.db);
    await sql`insert into photos (id, owner_id, status, filename, content_type, bytes, created_at)
      select gen_random_uuid(), case when i % 5 = 0 then 'sub-s' else 'filler-' || (i % 5) end, 'ready', 'IMG_' || i || '.jpg', 'image/jpeg', 1,
        now() - i * interval '1 hour'
      from generate_series(1, 20000) i`.execute(b.db);
    await sql`analyze photos`.execute(b.db);
    const logged: CompiledQuery[] = [];
    const one = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: b.url, max: 1 }) }), log: (e) => void logged.push(e.query) });
    try {
      await photoRepository(one).list("sub-s", { sort: "taken", limit: 50, words: ["rome"] });
      const listed = logged.at(-1)!;
      const plan = await one.executeQuery<{ "QUERY PLAN": string }>(CompiledQuery.raw(`explain ${listed.sql}`, [...listed.parameters]));
      expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("photos_owner_search_idx");
    } finally {
      await one.destroy();
    }
  });
});
