/**
 * Child process of api.bench.ts: the baseline. A bare node:http server with a pg pool of 10 answering the photo list
 * with the SQL kysely generates for photos.list (compiled here by kysely itself, so it cannot drift), JSON-encoded.
 * No auth, no tRPC, no presigned URLs: the floor for "one indexed query + JSON over HTTP" on this machine.
 */
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from "kysely";
import pg from "pg";

const LIST_COLUMNS = [
  "id", "owner_id", "status", "filename", "content_type", "bytes", "upload_id", "width", "height", "taken_at",
  "orientation", "sha256", "camera_make", "camera_model", "caption", "reject_reason", "duplicate_of", "created_at", "updated_at",
] as const;

/** The statement photos.list runs (sort "uploaded", no cursor, limit 50 -> 51 rows). */
export function listSql(ownerId: string, limit: number) {
  const compiler = new Kysely<{ photos: Record<(typeof LIST_COLUMNS)[number], unknown> }>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const q = compiler.selectFrom("photos").select(LIST_COLUMNS).where("owner_id", "=", ownerId).orderBy("created_at", "desc").orderBy("id", "desc").limit(limit + 1).compile();
  return { text: q.sql, values: [...q.parameters] };
}

if (import.meta.main) await serve();

async function serve() {
  const [dbUrl, ownerId] = [process.env.BARE_DB_URL!, process.env.BARE_OWNER_ID!];
  const pool = new pg.Pool({ connectionString: dbUrl, max: 10 });
  const { text, values } = listSql(ownerId, 50);
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith("/trpc/photos.list")) {
      res.writeHead(404).end();
      return;
    }
    pool.query(text, values).then(
      ({ rows }) => {
        const items = rows.slice(0, 50);
        const last = items.at(-1) as { created_at: Date; id: string } | undefined;
        const nextCursor = rows.length > 50 && last ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString("base64url") : null;
        const body = JSON.stringify({ result: { data: { items, nextCursor } } });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
      },
      (err: unknown) => {
        res.writeHead(500).end(String(err));
      },
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  process.send!({ kind: "ready", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sql: text });
  process.on("message", () => {
    server.close();
    server.closeAllConnections();
    void pool.end().then(() => process.exit(0));
  });
}
