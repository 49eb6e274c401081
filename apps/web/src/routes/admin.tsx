import { VideoStatusSchema, type VideoStatusValue } from "@photoreel/contracts";
import type { AppRouter } from "@photoreel/api";
import type { inferRouterOutputs } from "@trpc/server";
import { useDeferredValue, useMemo, useState } from "react";
import { ErrorAlert, PageHead, Spinner, StatusBadge } from "../components/ui";
import { errorCode, errorMessage } from "../lib/errors";
import { formatBytes, formatDateTime, formatDuration, formatPercent, formatSeconds } from "../lib/format";
import { trpc } from "../lib/trpc";

export default function Admin() {
  const queues = trpc.admin.queues.useQuery(undefined, { refetchInterval: 5000, retry: false });
  if (queues.isPending) return <Spinner label="Loading…" />;
  if (queues.isError && errorCode(queues.error) === "FORBIDDEN") {
    return (
      <div className="card empty" data-testid="forbidden">
        <h1 data-page-title tabIndex={-1}>
          Operators only
        </h1>
        <p>This area is for operators only.</p>
      </div>
    );
  }
  return (
    <>
      <PageHead title="Operations" lede="Queues, render times, jobs and users." />
      <div className="grid-2">
        <QueuesCard data={queues.data} error={queues.error} />
        <StatsCard />
      </div>
      <JobsCard />
      <UsersCard />
    </>
  );
}

type Queues = inferRouterOutputs<AppRouter>["admin"]["queues"];

function QueuesCard({ data, error }: { data: Queues | undefined; error: unknown }) {
  const q = { data, error };
  const d = data;
  const utils = trpc.useUtils();
  const redrive = trpc.admin.redriveDlq.useMutation({ onSuccess: () => void utils.admin.invalidate() });
  return (
    <section className="card" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      {q.error ? <ErrorAlert message={errorMessage(q.error)} /> : null}
      {d && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col" className="num">Waiting</th>
                <th scope="col" className="num">In flight</th>
                <th scope="col" className="num">Oldest</th>
              </tr>
            </thead>
            <tbody>
              {(["render", "preview", "dlq"] as const).map((k) => (
                <tr key={k}>
                  <th scope="row">{k === "dlq" ? "Dead letters" : k[0]!.toUpperCase() + k.slice(1)}</th>
                  <td className="num">{d[k].visible}</td>
                  <td className="num">{d[k].inFlight}</td>
                  <td className="num">{d[k].oldestAgeSeconds === null ? "–" : formatDuration(d[k].oldestAgeSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row" style={{ marginTop: 12 }}>
        <button type="button" onClick={() => redrive.mutate()} disabled={redrive.isPending || !q.data || q.data.dlq.visible === 0}>
          {redrive.isPending ? "Redriving…" : "Redrive dead letters"}
        </button>
        {redrive.data && (
          <span role="status" className="muted small">
            Moved {redrive.data.moved}, dropped {redrive.data.dropped}.
          </span>
        )}
      </div>
      <ErrorAlert message={redrive.error ? errorMessage(redrive.error) : null} />
    </section>
  );
}

function StatsCard() {
  const s = trpc.admin.renderStats.useQuery(undefined, { refetchInterval: 30_000 });
  const items: [string, string][] = s.data
    ? [
        ["Rendered", String(s.data.count)],
        ["Failed", String(s.data.failed)],
        ["p50", formatSeconds(s.data.p50)],
        ["p90", formatSeconds(s.data.p90)],
        ["p95", formatSeconds(s.data.p95)],
        ["p99", formatSeconds(s.data.p99)],
        ["Max", formatSeconds(s.data.max)],
      ]
    : [];
  return (
    <section className="card" aria-labelledby="stats-title">
      <h2 id="stats-title">Render times, last 24 hours</h2>
      {s.isPending && <Spinner label="Loading…" />}
      {s.isError && <ErrorAlert message={errorMessage(s.error)} />}
      <div className="stats">
        {items.map(([label, value]) => (
          <div className="stat" key={label}>
            <div className="label">{label}</div>
            <div className="value">{value}</div>
          </div>
        ))}
      </div>
    </section>
  );
}

function JobsCard() {
  const [status, setStatus] = useState<VideoStatusValue>("FAILED");
  const utils = trpc.useUtils();
  const jobs = trpc.admin.jobs.useInfiniteQuery({ status, limit: 25 }, { getNextPageParam: (p) => p.nextCursor ?? undefined, refetchInterval: status === "RENDERING" || status === "QUEUED" ? 3000 : false });
  const retry = trpc.admin.retryJob.useMutation({ onSuccess: () => void utils.admin.invalidate() });
  const rows = useMemo(() => jobs.data?.pages.flatMap((p) => p.items) ?? [], [jobs.data]);
  return (
    <section className="card" aria-labelledby="jobs-title">
      <div className="row" style={{ marginBottom: 10 }}>
        <h2 id="jobs-title" style={{ margin: 0 }}>
          Jobs
        </h2>
        <span className="spacer" />
        <label htmlFor="job-status" style={{ margin: 0 }} className="small muted">
          Status
        </label>
        <select id="job-status" value={status} onChange={(e) => setStatus(e.target.value as VideoStatusValue)} style={{ width: "auto" }}>
          {VideoStatusSchema.options.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <ErrorAlert message={jobs.error ? errorMessage(jobs.error) : retry.error ? errorMessage(retry.error) : null} />
      {jobs.isPending && <Spinner label="Loading jobs…" />}
      {jobs.isSuccess && rows.length === 0 && <p className="muted">No {status.toLowerCase()} jobs.</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="jobs-table">
            <thead>
              <tr>
                <th scope="col">Video</th>
                <th scope="col">Owner</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">Attempt</th>
                <th scope="col" className="num">Progress</th>
                <th scope="col">Updated</th>
                <th scope="col">Error</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((j) => (
                <tr key={j.videoId}>
                  <td className="mono" title={j.videoId}>
                    {j.videoId.slice(0, 8)}
                  </td>
                  <td className="mono" title={j.ownerId}>
                    {j.ownerId.slice(0, 8)}
                  </td>
                  <td>{j.kind}</td>
                  <td>
                    <StatusBadge status={j.status} />
                  </td>
                  <td className="num">{j.attempt}</td>
                  <td className="num">{formatPercent(j.progress)}</td>
                  <td>{formatDateTime(j.updatedAt)}</td>
                  <td className="small wrap">{j.error ?? ""}</td>
                  <td>
                    {(j.status === "FAILED" || j.status === "CANCELED") && (
                      <button type="button" className="icon-btn" onClick={() => retry.mutate({ ownerId: j.ownerId, videoId: j.videoId })} disabled={retry.isPending}>
                        Retry
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {jobs.hasNextPage && (
        <button type="button" style={{ marginTop: 10 }} onClick={() => void jobs.fetchNextPage()} disabled={jobs.isFetchingNextPage}>
          Load more
        </button>
      )}
    </section>
  );
}

function UsersCard() {
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search.trim());
  const users = trpc.admin.users.useInfiniteQuery({ limit: 25, ...(deferred ? { search: deferred } : {}) }, { getNextPageParam: (p) => p.nextCursor ?? undefined });
  const rows = useMemo(() => users.data?.pages.flatMap((p) => p.items) ?? [], [users.data]);
  return (
    <section className="card" aria-labelledby="users-title">
      <div className="row" style={{ marginBottom: 10 }}>
        <h2 id="users-title" style={{ margin: 0 }}>
          Users
        </h2>
        <span className="spacer" />
        <label htmlFor="user-search" className="visually-hidden">
          Search users by e-mail
        </label>
        <input id="user-search" type="search" placeholder="Search by e-mail" value={search} onChange={(e) => setSearch(e.target.value)} style={{ maxWidth: 260 }} />
      </div>
      <ErrorAlert message={users.error ? errorMessage(users.error) : null} />
      {users.isPending && <Spinner label="Loading users…" />}
      {users.isSuccess && rows.length === 0 && <p className="muted">No users match.</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">E-mail</th>
                <th scope="col" className="num">Photos</th>
                <th scope="col" className="num">Storage</th>
                <th scope="col" className="num">Videos</th>
                <th scope="col">Joined</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr key={u.id}>
                  <td>{u.email}</td>
                  <td className="num">{u.photoCount}</td>
                  <td className="num">{formatBytes(u.photoBytes)}</td>
                  <td className="num">
                    {u.videoCount}
                    {u.videoCountCapped ? "+" : ""}
                  </td>
                  <td>{formatDateTime(u.createdAt)}</td>
                  <td>{formatDateTime(u.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {users.hasNextPage && (
        <button type="button" style={{ marginTop: 10 }} onClick={() => void users.fetchNextPage()} disabled={users.isFetchingNextPage}>
          Load more
        </button>
      )}
    </section>
  );
}
