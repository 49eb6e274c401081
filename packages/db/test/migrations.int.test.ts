import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, migrateDown, migrateToLatest, migrationNames, photoRepository, userRepository, type Db } from "../src/index";
import { createTestDatabase } from "../src/testing";

interface Backend {
  db: Db;
  close: () => Promise<void>;
}

async function realPostgres(): Promise<Backend> {
  const t = await createTestDatabase({ migrate: false });
  return { db: t.db, close: t.drop };
}

async function embeddedPostgres(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), "pglite-"));
  const pglite = await PGlite.create(join(dir, "pg"));
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0, maxConnections: 12 });
  await server.start();
  const port = Number(server.getServerConn().split(":").at(-1));
  const { db } = createDb({ url: `postgres://postgres@127.0.0.1:${port}/postgres`, poolSize: 10 });
  return {
    db,
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

  it("applies every migration, is idempotent, and rolls back", async () => {
    expect(await migrateToLatest(b.db)).toEqual(migrationNames);
    expect(await migrateToLatest(b.db)).toEqual([]);
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' order by 1`.execute(b.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(["users", "photos", "audio_tracks", "rate_limits", "video_shares"]));
    await migrateDown(b.db);
    const after = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'video_shares'`.execute(b.db);
    expect(after.rows[0]?.n).toBe(0);
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
});
