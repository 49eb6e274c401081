import { connect, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite, startPgliteServer } from "../src/index";

// The embedded PostgreSQL as the stack serves it: one PGlite session behind a socket server, many pg connections.
let pglite: PGlite;
let server: { port: number; stop: () => Promise<void> };
const clients: pg.Client[] = [];

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ host: "127.0.0.1", port: server.port, user: "postgres", database: "postgres" });
  c.on("error", () => undefined); // the tests drop connections on purpose
  await c.connect();
  clients.push(c);
  return c;
}

/** A raw connection past startup (no TLS, trust auth), for sending what node-postgres never sends alone. */
async function rawConnection(): Promise<Socket> {
  const socket = connect(server.port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const params = Buffer.from("user\0postgres\0database\0postgres\0\0");
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(8 + params.length, 0);
  startup.writeInt32BE(196608, 4);
  const ready = new Promise<void>((resolve) => {
    let seen = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      seen = Buffer.concat([seen, d]);
      if (seen.includes(Buffer.from([0x5a, 0, 0, 0, 5]))) {
        socket.off("data", onData);
        resolve();
      }
    };
    socket.on("data", onData);
  });
  socket.write(Buffer.concat([startup, params]));
  await ready;
  return socket;
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

async function closed(socket: Socket): Promise<void> {
  const gone = new Promise((resolve) => socket.once("close", resolve));
  socket.destroy();
  await gone;
}

beforeAll(async () => {
  pglite = await openPglite(undefined);
  server = await startPgliteServer({ db: pglite, host: "127.0.0.1", port: 0, maxConnections: 16 });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await server?.stop();
  await pglite?.close();
});

describe("startPgliteServer", () => {
  it("keeps each connection's parameterised queries whole when many run at once", async () => {
    // pglite-socket's own queue interleaves Parse/Bind across connections (electric-sql/pglite#1046) when a batch
    // arrives in more than one read, as a large one does: another connection's Parse replaces the unnamed statement
    // before this one's Bind ("bind message supplies 2 parameters, but prepared statement "" requires 1").
    const cs = await Promise.all(Array.from({ length: 8 }, () => client()));
    const big = "x".repeat(256 * 1024);
    const runs = cs.flatMap((c, n) =>
      Array.from({ length: 12 }, async (_, i) => {
        // Neighbouring connections send different statements at the same moment.
        const kind = (i + n) % 3;
        if (kind === 0) {
          const r = await c.query<{ v: number }>("select length($1::text) + $2::int as v", [big, n]);
          return r.rows[0]!.v === big.length + n;
        }
        if (kind === 1) {
          const r = await c.query<{ v: number }>("select $1::int + $2::int + $3::int as v", [n, i, 1]);
          return r.rows[0]!.v === n + i + 1;
        }
        const r = await c.query<{ v: string }>("select $1::text as v", [`${n}:${i}`]);
        return r.rows[0]!.v === `${n}:${i}`;
      }),
    );
    const results = await Promise.allSettled(runs);
    const failures = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : r.value ? [] : ["wrong rows"]));
    expect(failures).toEqual([]);
  });

  it("keeps a transaction to its own connection and rolls it back when that connection drops", async () => {
    const [a, b] = [await client(), await client()];
    await a.query("create table if not exists kept (v int)");
    await a.query("begin");
    await a.query("insert into kept values ($1)", [1]);
    // b's query waits for a's transaction; it must not run inside it.
    const bDone = b.query("insert into kept values ($1)", [2]);
    const socket = (a as unknown as { connection: { stream: Socket } }).connection.stream;
    await closed(socket);
    await bDone;
    const rows = await b.query<{ v: number }>("select v from kept order by v");
    expect(rows.rows.map((r) => r.v)).toEqual([2]);
    expect(pglite.isInTransaction()).toBe(false);
  });

  it("frees the session when a connection drops in the middle of a batch", async () => {
    const [raw, c] = [await rawConnection(), await client()];
    // A Parse with no Sync after it: the connection owns the session until it drops.
    raw.write(message("P", Buffer.from("\0select $1::int\0\0\0", "latin1")));
    let answered = false;
    const pending = c.query<{ a: string; b: string }>("select $1::text as a, $2::text as b", ["x", "y"]);
    void pending.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false); // the open batch holds the session
    await closed(raw);
    const r = await pending;
    expect(r.rows[0]).toEqual({ a: "x", b: "y" });
  });

  it("fails only the connection whose message breaks, and serves the others after it", async () => {
    const [bad, good] = [await client(), await client()];
    await expect(bad.query("select * from no_such_table where id = $1", [1])).rejects.toThrow(/no_such_table/);
    // The failed batch ended at its Sync: both connections go on.
    expect((await bad.query<{ v: number }>("select $1::int as v", [7])).rows[0]!.v).toBe(7);
    expect((await good.query<{ v: number }>("select $1::int as v", [8])).rows[0]!.v).toBe(8);
  });
});
