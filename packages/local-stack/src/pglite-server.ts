import type { AddressInfo } from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** What pglite-socket's handlers call on the server's shared queue (its `QueryQueueManager`, not exported). */
interface SocketQueue {
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number>;
  clearQueueForHandler(handlerId: number): void;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
  getQueueLength(): number;
}

interface Queued {
  handlerId: number;
  /** null: the connection has gone; put the session back to idle if it left a batch or a transaction open. */
  message: Uint8Array | null;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

const SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);
const READY_FOR_QUERY = 0x5a; // 'Z', then length 5 and the transaction status
const IDLE = 0x49; // 'I'

/**
 * The queue in front of PGlite's one session, run a batch at a time.
 *
 * pglite-socket 0.2.17 queues each protocol message on its own and keeps a connection's messages together only
 * while a transaction is open (electric-sql/pglite#1046, open upstream). node-postgres sends every parameterised
 * query as Parse, Bind, Describe, Execute, Sync, outside any transaction, so two connections' messages interleave:
 * one's Parse replaces the other's unnamed statement before its Bind ("bind message supplies 2 parameters, but
 * prepared statement "" requires 1"), and a photo fails to process for no reason of its own. Upstream also stops
 * the whole queue for good when one message throws.
 *
 * Here a connection owns the session from its first message until PGlite answers ReadyForQuery with status idle:
 * the end of an extended-protocol batch (Sync) or of a simple query, and never inside a transaction. The other
 * connections' messages wait meanwhile. A message that throws fails its own connection only. A connection that
 * goes while it owns the session gets a Sync (and a ROLLBACK if a transaction is open) sent on its behalf, so the
 * next connection finds the session idle.
 */
export class BatchQueue implements SocketQueue {
  private queue: Queued[] = [];
  private draining = false;
  /** The connection whose batch or transaction is open; null when the session is idle. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return this.push(handlerId, message, onData);
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId || !q.message) return true;
      q.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  /**
   * Called when a connection goes: waits until its batch or transaction, if it left one open, is closed. Never
   * rejects (the handler does not await its detach); a reset that fails leaves nothing more to do.
   */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    await this.push(handlerId, null, () => undefined).catch(() => undefined);
  }

  private push(handlerId: number, message: Uint8Array | null, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  private next(): Queued | undefined {
    const i = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
    return i < 0 ? undefined : this.queue.splice(i, 1)[0];
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let q = this.next(); q; q = this.next()) {
        try {
          q.resolve(q.message ? await this.run(q.handlerId, q.message, q.onData) : await this.reset(q.handlerId));
        } catch (e) {
          // After a failed message the session's state is unknown: its connection keeps the session until it goes
          // (the handler closes it on this rejection), and its reset tidies up then. A failed reset frees it.
          this.owner = q.message ? q.handlerId : null;
          q.reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async run(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    let bytes = 0;
    let tail: Uint8Array = new Uint8Array(0);
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          bytes += data.length;
          tail = lastBytes(tail, data, 6);
          onData(data);
        },
      }),
    );
    this.owner = idleAfter(tail) ? null : handlerId;
    return bytes;
  }

  private async reset(handlerId: number): Promise<number> {
    if (this.owner !== handlerId) return 0;
    await this.db.runExclusive(() => this.db.execProtocolRaw(SYNC));
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    return 0;
  }
}

/** True when a response ends with ReadyForQuery reporting an idle session (no transaction open). */
function idleAfter(tail: Uint8Array): boolean {
  return tail.length === 6 && tail[0] === READY_FOR_QUERY && tail[1] === 0 && tail[2] === 0 && tail[3] === 0 && tail[4] === 5 && tail[5] === IDLE;
}

function lastBytes(before: Uint8Array, data: Uint8Array, n: number): Uint8Array {
  if (data.length >= n) return data.slice(data.length - n);
  const joined = new Uint8Array(before.length + data.length);
  joined.set(before);
  joined.set(data, before.length);
  return joined.slice(Math.max(0, joined.length - n));
}

export interface PgliteServerOptions {
  db: PGlite;
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxConnections: number;
}

/** pglite-socket's server with the batch-at-a-time queue above. Resolves once listening, with the bound port. */
export async function startPgliteServer(opts: PgliteServerOptions): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = new PGLiteSocketServer(opts);
  // Each connection's handler takes the server's queue when it is accepted, so swapping it before start() covers all.
  const internals = server as unknown as { queryQueue: SocketQueue; server: { address(): AddressInfo } | null };
  if (typeof internals.queryQueue?.enqueue !== "function") {
    throw new Error("pglite-socket no longer has the queryQueue this module replaces: check electric-sql/pglite#1046");
  }
  internals.queryQueue = new BatchQueue(opts.db);
  await server.start();
  // The socket server reports the requested port; read the bound one (port 0 => picked by the OS).
  const port = internals.server!.address().port;
  return { port, stop: () => server.stop() };
}
