import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createTaskProtection } from "./task-protection";

/**
 * The ECS container agent cannot run here: a small local stand-in of its task-protection endpoint
 * (PUT /task-protection/v1/state, answers {"protection": {...}} or {"failure": {...}}) records what the worker sends.
 */
interface Call {
  method: string;
  path: string;
  body: { ProtectionEnabled?: boolean; ExpiresInMinutes?: number };
}
async function agentStandIn(answer: (body: Call["body"]) => { status: number; json: unknown } = () => ({ status: 200, json: { protection: { ProtectionEnabled: true, TaskArn: "arn:aws:ecs:us-east-1:1:task/c/t" } } })) {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString()));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as Call["body"];
      calls.push({ method: req.method ?? "", path: req.url ?? "", body });
      const a = answer(body);
      res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.json));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4/abc-123`;
  return { uri, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "warn" }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("worker task scale-in protection (against a stand-in of the ECS agent endpoint)", () => {
  it("protects the task when a job starts and unprotects it when the worker is idle again", async () => {
    const agent = await agentStandIn();
    close = agent.close;
    const p = createTaskProtection({ agentUri: agent.uri, log: memoryLog().log, expiresInMinutes: 60 });
    p.acquire();
    await p.settled();
    expect(agent.calls).toEqual([{ method: "PUT", path: "/v4/abc-123/task-protection/v1/state", body: { ProtectionEnabled: true, ExpiresInMinutes: 60 } }]);
    p.release();
    await p.settled();
    expect(agent.calls.map((c) => c.body.ProtectionEnabled)).toEqual([true, false]);
  });

  it("stays protected while any of several overlapping jobs runs, and sends the calls in order", async () => {
    const agent = await agentStandIn();
    close = agent.close;
    const p = createTaskProtection({ agentUri: agent.uri, log: memoryLog().log, expiresInMinutes: 30 });
    p.acquire(); // render job
    p.acquire(); // preview job on the same task
    p.release(); // the preview ends: the render still runs
    await p.settled();
    expect(agent.calls.map((c) => c.body.ProtectionEnabled)).toEqual([true, true]);
    p.release();
    p.acquire();
    p.release();
    await p.settled();
    expect(agent.calls.map((c) => c.body.ProtectionEnabled)).toEqual([true, true, false, true, false]);
  });

  it("logs a refusal or an unreachable agent and carries on (a job never fails for it)", async () => {
    const agent = await agentStandIn(() => ({ status: 400, json: { failure: { Arn: "arn:t", Reason: "TASK_NOT_VALID", Detail: null } } }));
    close = agent.close;
    const { log, lines } = memoryLog();
    const p = createTaskProtection({ agentUri: agent.uri, log, expiresInMinutes: 60 });
    p.acquire();
    await p.settled();
    expect(lines.at(-1)).toMatchObject({ msg: "task scale-in protection not set", status: 400, failure: { Reason: "TASK_NOT_VALID" } });

    const gone = createTaskProtection({ agentUri: "http://127.0.0.1:1/v4/x", log, expiresInMinutes: 60, timeoutMs: 1000 });
    gone.acquire();
    gone.release();
    await expect(gone.settled()).resolves.toBeUndefined();
    expect(lines.filter((l) => l.msg === "task scale-in protection: agent unreachable")).toHaveLength(2);
  });

  it("does nothing off ECS (no ECS_AGENT_URI)", async () => {
    const p = createTaskProtection({ agentUri: undefined, log: memoryLog().log, expiresInMinutes: 60 });
    p.acquire();
    p.release();
    await expect(p.settled()).resolves.toBeUndefined();
  });
});
