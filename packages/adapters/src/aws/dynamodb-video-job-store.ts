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
  type VideoJobStore,
} from "@photoreel/core";
import { StageSecondsSchema, VideoSpecSchema, VideoStatusSchema, type VideoStatus } from "@photoreel/contracts";
import { z } from "zod";

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

/**
 * What a stored item must hold to be read back as a job. The spec is checked with the same schema the API parsed it
 * with when the job was created (its defaults also fill fields that older items lack), so code past the store can
 * trust `VideoJob["spec"]` as it trusts a request's.
 */
const StoredJobSchema = z.object({
  ownerId: z.string().min(1),
  videoId: z.string().min(1),
  status: VideoStatusSchema,
  spec: VideoSpecSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  output: z
    .object({ videoKey: z.string(), posterKey: z.string(), bytes: z.number(), durationSeconds: z.number(), width: z.number(), height: z.number() })
    .nullish()
    .transform((o) => o ?? null),
}) satisfies z.ZodType<Pick<VideoJob, "ownerId" | "videoId" | "status" | "spec" | "createdAt" | "updatedAt" | "output">, unknown>;

const BudgetChargeSchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), seconds: z.number().finite().nonnegative() });

/** A stored job that is not a valid job (written by hand, by an older bug, or damaged): an operator must fix or remove it. */
export class CorruptVideoJobError extends Error {
  constructor(
    readonly key: { ownerId: unknown; videoId: unknown },
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    const where = issues.map((i) => `${i.path.join(".") || "(item)"}: ${i.message}`).join("; ");
    super(`Stored video job ${String(key.videoId)} (owner ${String(key.ownerId)}) is corrupted and cannot be read: ${where}`);
    this.name = "CorruptVideoJobError";
  }
}

/** Maps a stored item to the domain type, validating what the rest of the system relies on (see StoredJobSchema). */
function toJob(item: Item): VideoJob {
  const parsed = StoredJobSchema.safeParse(item);
  if (!parsed.success) throw new CorruptVideoJobError({ ownerId: item.ownerId, videoId: item.videoId }, parsed.error.issues);
  const str = (k: string) => (typeof item[k] === "string" ? (item[k] as string) : null);
  const num = (k: string) => (typeof item[k] === "number" ? (item[k] as number) : null);
  const stageSeconds = StageSecondsSchema.safeParse(item.stageSeconds).data;
  const budgetCharge = BudgetChargeSchema.safeParse(item.budgetCharge).data;
  return {
    ...parsed.data,
    kind: item.kind === "preview" ? "preview" : "video",
    attempt: num("attempt") ?? 0,
    progress: num("progress") ?? 0,
    etaSeconds: num("etaSeconds"),
    error: str("error"),
    // Only where one was stored (a FAILED job's field to blame): a job without it reads back as it was written.
    ...(typeof item.errorField === "string" ? { errorField: item.errorField } : {}),
    enqueuedAt: str("enqueuedAt"),
    startedAt: str("startedAt"),
    finishedAt: str("finishedAt"),
    heartbeatAt: str("heartbeatAt"),
    renderSeconds: num("renderSeconds"),
    // Parsed again, not cast; a damaged breakdown is only missing figures on the admin panel, not an unreadable job.
    ...(stageSeconds ? { stageSeconds } : {}),
    cancelRequested: item.cancelRequested === true,
    // Parsed, not cast: a refund must never be of a made-up amount (a damaged one only forgoes the refund).
    ...(budgetCharge ? { budgetCharge } : {}),
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

  async listRendering(ownerId: string): Promise<VideoJob[]> {
    const items: Item[] = [];
    let start: Key | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "ownerId = :o",
          FilterExpression: "#status = :r",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":o": ownerId, ":r": "RENDERING" },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey as Key | undefined;
    } while (start);
    return items.map(toJob);
  }

  async listByStatus(
    status: VideoStatus,
    opts: { limit: number; cursor?: string | null; updatedBefore?: string; updatedAfter?: string; newestFirst?: boolean },
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
        ScanIndexForward: !opts.newestFirst,
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
