import { composeServiceGraph, type ServiceGraph } from "@photoreel/bootstrap/services";
import type { Config } from "@photoreel/config";
import type { Logger } from "pino";

export interface ApiApp extends ServiceGraph {
  config: Config;
}

/**
 * The API's composition root: the service graph (database migrated first, SDK clients, adapters, verifier; the
 * in-process photo processing on the embedded stack). The HTTP app (http/app.ts) is built on it in main.ts.
 */
export async function composeApi(config: Config, log: Logger): Promise<ApiApp> {
  return { config, ...(await composeServiceGraph(config, log)) };
}
