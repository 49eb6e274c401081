import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "@photoreel/config";
import { LOCAL_CREDENTIALS, provisionAws, startLocalStack, startMoto } from "@photoreel/local-stack";
import { createAwsClients, type AwsClients } from "../src/index";

export const WEB_ORIGIN = "http://127.0.0.1:5173";

export interface Backend {
  config: Config;
  clients: AwsClients;
  stop(): Promise<void>;
}

/** Config and SDK clients for a provisioned backend; `stop` closes the clients, then the backend. */
function connect(env: Record<string, string | undefined>, stopBackend: () => Promise<void>): Backend {
  const config = loadConfig(env);
  const clients = createAwsClients(config, { credentials: LOCAL_CREDENTIALS });
  return {
    config,
    clients,
    stop: async () => {
      clients.destroy();
      await stopBackend();
    },
  };
}

/** The same suites run against the embedded stand-ins and against moto's server (an independent emulator). */
export const backends: { name: "stand-ins" | "moto"; start: () => Promise<Backend> }[] = [
  {
    name: "stand-ins",
    start: async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), "photoreel-adapters-"));
      const stack = await startLocalStack({
        dataDir,
        webOrigin: WEB_ORIGIN,
        inMemory: true,
        ports: { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 },
      });
      return connect(stack.env, async () => {
        await stack.stop();
        await rm(dataDir, { recursive: true, force: true });
      });
    },
  },
  {
    name: "moto",
    start: async () => {
      const moto = await startMoto();
      const e = moto.endpoint;
      const env = await provisionAws({ region: "us-east-1", webOrigin: WEB_ORIGIN, endpoints: { s3: e, sqs: e, dynamodb: e, cognito: e } });
      return connect(env, () => moto.stop());
    },
  },
];
