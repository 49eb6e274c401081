import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { startTestStack as startServiceStack, type TestStack as ServiceStack } from "@photoreel/api/testing";
import { pino } from "pino";
import { createHttpApp } from "../src/http/app";

/** The worker app's source entry as its package names it, for tests that run the worker beside the HTTP app. */
export const WORKER = fileURLToPath(import.meta.resolve("@photoreel/worker/main"));

export { PASSWORD } from "@photoreel/api/testing";
export { trpcHttp } from "@photoreel/testkit";

export interface TestStack extends ServiceStack {
  baseUrl: string;
}

/** The router's test stack (stand-ins, a fresh database, the API's services, callers) with the API's HTTP app on a free port. */
export async function startTestStack(opts: Parameters<typeof startServiceStack>[0] = {}): Promise<TestStack> {
  const t = await startServiceStack(opts);
  const server = createHttpApp(t.app, pino({ level: "silent" })).listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    ...t,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.close();
      server.closeAllConnections();
      await t.stop();
    },
  };
}
