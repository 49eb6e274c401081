import autocannon from "autocannon";

export interface LoadSpec {
  name: string;
  url: string;
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  /** Checks one response body; returns a reason when it is wrong. Run on every 2xx response. */
  check?: (body: string) => string | null;
}

export interface LoadResult {
  name: string;
  requests: number;
  /** Sent but unanswered when the run ended (autocannon drops them; the server still works on them). */
  unanswered: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  badBodies: number;
  firstProblem: string | null;
}

/**
 * One autocannon run. Latencies are taken from every response (autocannon's own histogram keeps whole
 * milliseconds and only 2xx), so p50/p99 here are exact to the microsecond.
 */
export async function runLoad(s: LoadSpec): Promise<LoadResult> {
  let badBodies = 0;
  let firstProblem: string | null = null;
  const latencies: number[] = [];
  let finish!: (r: autocannon.Result) => void;
  let fail!: (e: Error) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const instance = autocannon(
    {
      url: s.url,
      connections: s.connections,
      duration: s.seconds,
      // Long enough to measure an overloaded server's real latency rather than cut it off.
      timeout: 30,
      requests: [
        {
          method: s.method,
          path: s.path,
          headers: s.headers ?? {},
          ...(s.body !== undefined ? { body: s.body } : {}),
          onResponse: (status: number, body: string) => {
            if (status >= 300) {
              firstProblem ??= `HTTP ${status}: ${body.slice(0, 300)}`;
              return;
            }
            const why = s.check?.(body);
            if (why) {
              badBodies++;
              firstProblem ??= why;
            }
          },
        },
      ],
    },
    (err, result) => (err ? fail(err instanceof Error ? err : new Error(String(err))) : finish(result)),
  );
  instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const r = await done;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  if (r.errors && !firstProblem) firstProblem = `${r.errors} socket errors`;
  return {
    name: s.name,
    requests: latencies.length,
    unanswered: Math.max(0, r.requests.sent - latencies.length - r.errors),
    rps: latencies.length / s.seconds,
    p50: q(50),
    p99: q(99),
    max: latencies.at(-1) ?? NaN,
    non2xx: r.non2xx,
    socketErrors: r.errors - r.timeouts,
    timeouts: r.timeouts,
    badBodies,
    firstProblem,
  };
}

/** Counts `"needle"` occurrences without parsing (cheap enough to run on every response in the load generator). */
export function countOf(body: string, needle: string): number {
  let n = 0;
  for (let i = body.indexOf(needle); i >= 0; i = body.indexOf(needle, i + needle.length)) n++;
  return n;
}
