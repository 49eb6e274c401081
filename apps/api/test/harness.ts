import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { startTestStack as startServiceStack, type TestStack as ServiceStack } from "@photoreel/testkit";
import { pino } from "pino";
import { createHttpApp } from "../src/http/app";

export { PASSWORD, trpcHttp } from "@photoreel/testkit";

export interface TestStack extends ServiceStack {
  baseUrl: string;
}

/** The test kit's stack (stand-ins, a fresh database, the API's services) with the API's HTTP app on a free port. */
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
