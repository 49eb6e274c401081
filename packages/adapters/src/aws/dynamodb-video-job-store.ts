import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import {
  DomainError,
  systemClock,
  type Clock,
  type Page,
  type TransitionRequest,
  type VideoJob,
  type VideoStatus,
  type VideoJobStore,
} from "@photoreel/core";

type Item = Record<string, unknown>;
type Key = Record<string, string>;

const STATUS_INDEX = "byStatus";
const FINAL: VideoStatus[] = ["READY", "FAILED", "CANCELED"];

const isConditionFailed = (e: unknown) => e instanceof Error && e.name === "ConditionalCheckFailedException";

function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

function decodeCursor(cursor: string, expected: readonly string[]): Key {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (key && typeof key === "object" && expected.every((k) => typeof (key as Key)[k] === "string") && Object.keys(key).length === expected.length) {
      return key as Key;
    }
  } catch {
    // fall through
  }
  throw new DomainError("BAD_REQUEST", "This page link is no longer valid; start from the first page");
}

/** Maps a stored item to the domain type, tolerating attributes that older items lack. */
function toJob(item: Item): VideoJob {
  const str = (k: string) => (typeof item[k] === "string" ? (item[k] as string) : null);
  const num = (k: string) => (typeof item[k] === "number" ? (item[k] as number) : null);
  return {
    ownerId: item.ownerId as string,
    videoId: item.videoId as string,
    kind: item.kind === "preview" ? "preview" : "video",
    status: item.status as VideoStatus,
    spec: item.spec as VideoJob["spec"],
    attempt: num("attempt") ?? 0,
    progress: num("progress") ?? 0,
    etaSeconds: num("etaSeconds"),
    error: str("error"),
    output: (item.output as VideoJob["output"] | undefined) ?? null,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    enqueuedAt: str("enqueuedAt"),
    startedAt: str("startedAt"),
    finishedAt: str("finishedAt"),
    heartbeatAt: str("heartbeatAt"),
    renderSeconds: num("renderSeconds"),
    cancelRequested: item.cancelRequested === true,
    leaseId: str("leaseId"),
  };
}

/**
 * VideoJobStore on one DynamoDB table: PK ownerId, SK videoId (UUIDv7, so newest-first is a reverse query);
 * GSI byStatus (status, updatedAt) for operators. Every status change is a conditional write.
 */
export class DynamoVideoJobStore implements VideoJobStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(job: VideoJob): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: job, ConditionExpression: "attribute_not_exists(videoId)" }));
    } catch (e) {
      if (isConditionFailed(e)) throw new DomainError("CONFLICT", "A video with this id already exists");
      throw e;
    }
  }

  async get(ownerId: string, videoId: string): Promise<VideoJob | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { ownerId, videoId }, ConsistentRead: true }));
    return out.Item ? toJob(out.Item) : null;
  }

  /**
   * Pages until `limit` items are collected (a kind filter can leave query pages short). The cursor is the key
   * of the last item returned, so no item is skipped or repeated even when a page is cut.
   */
  private async collect(
    query: QueryCommandInput,
    limit: number,
    cursor: Key | undefined,
    keyOf: (item: Item) => Key,
    keep?: (item: Item) => boolean,
  ): Promise<Page<VideoJob>> {
    const items: Item[] = [];
    let start = cursor;
    // Filtered queries return fewer items than evaluated: read bigger pages to need fewer round trips.
    const pageSize = query.FilterExpression || keep ? Math.max(limit * 4, 50) : limit + 1;
    for (;;) {
      const out = await this.doc.send(new QueryCommand({ ...query, Limit: pageSize, ExclusiveStartKey: start }));
      const page = keep ? (out.Items ?? []).filter(keep) : (out.Items ?? []);
      for (let i = 0; i < page.length; i++) {
        if (items.length === limit) return { items: items.map(toJob), nextCursor: encodeCursor(keyOf(items[items.length - 1]!)) };
        items.push(page[i]!);
      }
      if (!out.LastEvaluatedKey) return { items: items.map(toJob), nextCursor: null };
      if (items.length === limit) {
        // The page ended exactly at the limit; more may follow.
        return { items: items.map(toJob), nextCursor: encodeCursor(keyOf(items[items.length - 1]!)) };
      }
      start = out.LastEvaluatedKey as Key;
    }
  }

  async listByOwner(ownerId: string, opts: { limit: number; cursor?: string | null; kind?: VideoJob["kind"] }): Promise<Page<VideoJob>> {
    const cursor = opts.cursor ? decodeCursor(opts.cursor, ["ownerId", "videoId"]) : undefined;
    if (cursor && cursor.ownerId !== ownerId) throw new DomainError("BAD_REQUEST", "This page link is no longer valid; start from the first page");
    return this.collect(
      {
        TableName: this.table,
        KeyConditionExpression: "ownerId = :o",
        ScanIndexForward: false,
        ...(opts.kind
          ? { FilterExpression: "#kind = :k", ExpressionAttributeNames: { "#kind": "kind" }, ExpressionAttributeValues: { ":o": ownerId, ":k": opts.kind } }
          : { ExpressionAttributeValues: { ":o": ownerId } }),
      },
      opts.limit,
      cursor,
      (item) => ({ ownerId: item.ownerId as string, videoId: item.videoId as string }),
    );
  }

  async listByStatus(
    status: VideoStatus,
    opts: { limit: number; cursor?: string | null; updatedBefore?: string; updatedAfter?: string },
  ): Promise<Page<VideoJob>> {
    const cursor = opts.cursor ? decodeCursor(opts.cursor, ["status", "updatedAt", "ownerId", "videoId"]) : undefined;
    if (cursor && cursor.status !== status) throw new DomainError("BAD_REQUEST", "This page link is no longer valid; start from the first page");
    const values: Record<string, string> = { ":s": status };
    let range = "";
    let keep: ((item: Item) => boolean) | undefined;
    if (opts.updatedBefore && opts.updatedAfter) {
      // A key condition allows one range test and BETWEEN is inclusive; a filter expression may not name a key
      // attribute, so the two end points are dropped here.
      range = " AND #updatedAt BETWEEN :after AND :before";
      const { updatedAfter, updatedBefore } = opts;
      keep = (item) => item.updatedAt !== updatedAfter && item.updatedAt !== updatedBefore;
      values[":after"] = opts.updatedAfter;
      values[":before"] = opts.updatedBefore;
    } else if (opts.updatedBefore) {
      range = " AND #updatedAt < :before";
      values[":before"] = opts.updatedBefore;
    } else if (opts.updatedAfter) {
      range = " AND #updatedAt > :after";
      values[":after"] = opts.updatedAfter;
    }
    return this.collect(
      {
        TableName: this.table,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: `#status = :s${range}`,
        ExpressionAttributeNames: { "#status": "status", ...(range ? { "#updatedAt": "updatedAt" } : {}) },
        ExpressionAttributeValues: values,
        ScanIndexForward: true,
      },
      opts.limit,
      cursor,
      (item) => ({ status: item.status as string, updatedAt: item.updatedAt as string, ownerId: item.ownerId as string, videoId: item.videoId as string }),
      keep,
    );
  }

  async transition(ownerId: string, videoId: string, req: TransitionRequest): Promise<VideoJob | null> {
    if (!req.from.length) return null;
    const names: Record<string, string> = { "#status": "status", "#updatedAt": "updatedAt" };
    const values: Record<string, unknown> = { ":to": req.to, ":now": this.clock.now().toISOString() };
    const sets = ["#status = :to"];
    let setsUpdatedAt = false;
    Object.entries(req.set ?? {}).forEach(([field, value], i) => {
      if (value === undefined) return;
      if (field === "updatedAt") setsUpdatedAt = true;
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      sets.push(`#f${i} = :v${i}`);
    });
    if (!setsUpdatedAt) sets.push("#updatedAt = :now");
    else delete values[":now"];

    const from = req.from.map((s, i) => {
      values[`:from${i}`] = s;
      return `:from${i}`;
    });
    let condition = `attribute_exists(videoId) AND #status IN (${from.join(", ")})`;
    if (req.attempt !== undefined) {
      names["#attempt"] = "attempt";
      values[":attempt"] = req.attempt;
      condition += " AND #attempt = :attempt";
    }
    if (req.leaseId !== undefined) {
      names["#leaseId"] = "leaseId";
      if (req.leaseId === null) {
        values[":nullType"] = "NULL";
        condition += " AND (attribute_not_exists(#leaseId) OR attribute_type(#leaseId, :nullType))";
      } else {
        values[":leaseId"] = req.leaseId;
        condition += " AND #leaseId = :leaseId";
      }
    }
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { ownerId, videoId },
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes ? toJob(out.Attributes) : null;
    } catch (e) {
      if (isConditionFailed(e)) return null;
      throw e;
    }
  }

  async updateProgress(
    ownerId: string,
    videoId: string,
    leaseId: string,
    p: { progress: number; etaSeconds: number | null },
  ): Promise<{ ok: boolean; cancelRequested: boolean }> {
    const now = this.clock.now().toISOString();
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { ownerId, videoId },
          // updatedAt moves too, so `listByStatus("RENDERING", { updatedBefore })` finds renders that went quiet.
          UpdateExpression: "SET progress = :p, etaSeconds = :eta, heartbeatAt = :now, #updatedAt = :now",
          ConditionExpression: "#status = :rendering AND #leaseId = :lease",
          ExpressionAttributeNames: { "#status": "status", "#leaseId": "leaseId", "#updatedAt": "updatedAt" },
          ExpressionAttributeValues: { ":p": p.progress, ":eta": p.etaSeconds, ":now": now, ":rendering": "RENDERING", ":lease": leaseId },
          ReturnValues: "ALL_NEW",
        }),
      );
      return { ok: true, cancelRequested: out.Attributes?.cancelRequested === true };
    } catch (e) {
      if (!isConditionFailed(e)) throw e;
      const job = await this.get(ownerId, videoId);
      return { ok: false, cancelRequested: job?.cancelRequested ?? false };
    }
  }

  async requestCancel(ownerId: string, videoId: string): Promise<VideoJob | null> {
    // A job can move between the two conditional writes (QUEUED -> RENDERING); a few rounds settle it.
    for (let round = 0; round < 3; round++) {
      const now = this.clock.now().toISOString();
      const canceled = await this.transition(ownerId, videoId, {
        from: ["QUEUED"],
        to: "CANCELED",
        set: { finishedAt: now, cancelRequested: true },
      });
      if (canceled) return canceled;
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { ownerId, videoId },
            UpdateExpression: "SET cancelRequested = :t, #updatedAt = :now",
            ConditionExpression: "#status = :rendering",
            ExpressionAttributeNames: { "#status": "status", "#updatedAt": "updatedAt" },
            ExpressionAttributeValues: { ":t": true, ":now": now, ":rendering": "RENDERING" },
            ReturnValues: "ALL_NEW",
          }),
        );
        return out.Attributes ? toJob(out.Attributes) : null;
      } catch (e) {
        if (!isConditionFailed(e)) throw e;
      }
      const job = await this.get(ownerId, videoId);
      if (!job || FINAL.includes(job.status)) return null;
    }
    return null;
  }

  async delete(ownerId: string, videoId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { ownerId, videoId } }));
  }

  async ping(): Promise<void> {
    await this.doc.send(new DescribeTableCommand({ TableName: this.table }));
  }
}
