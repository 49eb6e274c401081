import type { Logger } from "pino";

/**
 * ECS task scale-in protection while the worker holds a job: a scale-in or a deployment then leaves this task
 * alone until it is idle, instead of stopping it mid-render (three such kills dead-letter the job).
 * The ECS container agent serves the endpoint at $ECS_AGENT_URI/task-protection/v1/state; off ECS (the embedded
 * stack, tests without an agent) there is no URI and every call is a no-op.
 *
 * `acquire()` when a job starts and `release()` when it ends: protection is on while at least one job runs (the
 * render and preview consumers share one task), and the calls reach the agent in the order they were made.
 * A failed call is logged and never fails the job: the protection is a courtesy to the scheduler, and the
 * SIGTERM hand-back still covers the task being stopped.
 */
export interface TaskProtection {
  acquire(): void;
  release(): void;
  /** Resolves when every call made so far has been answered (tests, shutdown). */
  settled(): Promise<void>;
}

export function createTaskProtection(opts: {
  agentUri: string | undefined;
  log: Logger;
  /** Protection lapses on its own after this (a stuck worker must not pin the service forever); renewed per job. */
  expiresInMinutes: number;
  timeoutMs?: number;
}): TaskProtection {
  let held = 0;
  let chain: Promise<void> = Promise.resolve();
  const endpoint = opts.agentUri ? `${opts.agentUri.replace(/\/+$/, "")}/task-protection/v1/state` : null;

  const put = (enabled: boolean) => {
    if (!endpoint) return;
    const body = JSON.stringify(enabled ? { ProtectionEnabled: true, ExpiresInMinutes: opts.expiresInMinutes } : { ProtectionEnabled: false });
    chain = chain.then(async () => {
      try {
        const res = await fetch(endpoint, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
        });
        const answer = (await res.json().catch(() => ({}))) as { protection?: unknown; failure?: unknown; error?: unknown };
        if (!res.ok || answer.failure || answer.error || !answer.protection)
          opts.log.warn({ status: res.status, failure: answer.failure ?? answer.error, enabled }, "task scale-in protection not set");
      } catch (err) {
        opts.log.warn({ err: err instanceof Error ? err.message : String(err), enabled }, "task scale-in protection: agent unreachable");
      }
    });
  };

  return {
    acquire() {
      held += 1;
      // Each job start renews the expiry, so a long queue of jobs keeps the task protected throughout.
      put(true);
    },
    release() {
      held = Math.max(0, held - 1);
      if (held === 0) put(false);
    },
    settled: () => chain,
  };
}
