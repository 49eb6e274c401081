import { VideoStatusSchema, type RenderStage, type StageSeconds, type VideoStatus } from "@photoreel/contracts";
import type { AppRouter } from "@photoreel/api";
import type { inferRouterOutputs } from "@trpc/server";
import { useDeferredValue, useState } from "react";
import { ListMore, ListStatus } from "../components/list";
import { ErrorAlert, InlineField, PageHead, SectionHead, Spinner, StatusBadge, TableScroll } from "../components/ui";
import { pageByCursor, useInfiniteList } from "../hooks/use-infinite-list";
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
        <TableScroll label="Queues table">
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
        </TableScroll>
      )}
      <div className="row section-foot">
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

const STAGE_LABELS: Record<RenderStage, string> = {
  download: "Download",
  prescale: "Pre-scale",
  draw: "Draw",
  encode: "Encode",
  join: "Join",
  upload: "Upload",
};

/** One job's stages on one line: "Download 0.4 s · Pre-scale 0.2 s · …". */
function stagesText(s: StageSeconds): string {
  return (Object.keys(STAGE_LABELS) as RenderStage[]).map((k) => `${STAGE_LABELS[k]} ${formatSeconds(s[k])}`).join(" · ");
}

function stagesCaption(n: number): string {
  return `By stage, over ${n} ${n === 1 ? "video" : "videos"} with a breakdown (draw and encode run side by side)`;
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
      {s.data && (
        <TableScroll label="Render stages table">
          <table data-testid="stages-table">
            <caption className="small muted">{stagesCaption(s.data.stages[0]?.count ?? 0)}</caption>
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col" className="num">p50</th>
                <th scope="col" className="num">p90</th>
              </tr>
            </thead>
            <tbody>
              {s.data.stages.map((st) => (
                <tr key={st.stage}>
                  <th scope="row">{STAGE_LABELS[st.stage]}</th>
                  <td className="num">{formatSeconds(st.p50)}</td>
                  <td className="num">{formatSeconds(st.p90)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function JobsCard() {
  const [status, setStatus] = useState<VideoStatus>("FAILED");
  const utils = trpc.useUtils();
  const jobsQuery = trpc.admin.jobs.useInfiniteQuery({ status, limit: 25 }, { ...pageByCursor, refetchInterval: status === "RENDERING" || status === "QUEUED" ? 3000 : false });
  const jobs = useInfiniteList(jobsQuery);
  const retry = trpc.admin.retryJob.useMutation({ onSuccess: () => void utils.admin.invalidate() });
  const rows = jobs.items;
  return (
    <section className="card" aria-labelledby="jobs-title">
      <SectionHead id="jobs-title" title="Jobs">
        <InlineField label="Status" quiet>
          {({ id }) => (
            <select id={id} value={status} onChange={(e) => setStatus(e.target.value as VideoStatus)}>
              {VideoStatusSchema.options.map((s) => (
                <option key={s} value={s}>
                  {s.toLowerCase()}
                </option>
              ))}
            </select>
          )}
        </InlineField>
      </SectionHead>
      <ErrorAlert message={retry.error ? errorMessage(retry.error) : null} />
      <ListStatus list={jobs} loading="Loading jobs…" empty={<p className="muted">No {status.toLowerCase()} jobs.</p>} />
      {rows.length > 0 && (
        <TableScroll label="Jobs table">
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
                <th scope="col" className="num">Render</th>
                <th scope="col">Stages</th>
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
                  <td className="num">{formatSeconds(j.renderSeconds)}</td>
                  <td className="small wrap">{j.stageSeconds ? stagesText(j.stageSeconds) : ""}</td>
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
        </TableScroll>
      )}
      <ListMore list={jobs} />
    </section>
  );
}

function UsersCard() {
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search.trim());
  const usersQuery = trpc.admin.users.useInfiniteQuery({ limit: 25, ...(deferred ? { search: deferred } : {}) }, pageByCursor);
  const users = useInfiniteList(usersQuery);
  const rows = users.items;
  return (
    <section className="card" aria-labelledby="users-title">
      <SectionHead id="users-title" title="Users">
        <label htmlFor="user-search" className="visually-hidden">
          Search users by e-mail
        </label>
        <input id="user-search" className="search-input" type="search" placeholder="Search by e-mail" value={search} onChange={(e) => setSearch(e.target.value)} />
      </SectionHead>
      <ListStatus list={users} loading="Loading users…" empty={<p className="muted">No users match.</p>} />
      {rows.length > 0 && (
        <TableScroll label="Users table">
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
        </TableScroll>
      )}
      <ListMore list={users} />
    </section>
  );
}
