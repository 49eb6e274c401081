import { loadRemoteConfig } from "@photoreel/adapters";
import { ConfigError, loadConfig, readEnvironment, type Config, type Env } from "@photoreel/config";
import { createLogger, type Logger } from "./logger";
import { initTelemetry, type Telemetry } from "./telemetry";

export interface Bootstrapped {
  config: Config;
  /** The environment the config was parsed from, remote or embedded-stack variables merged in (for child processes). */
  env: Env;
  log: Logger;
  /** Tracing, started here once per app; shut it down on exit so the last spans are sent. */
  telemetry: Telemetry;
}

export interface BootstrapOptions {
  /** Defaults to the process environment. */
  env?: Env;
  /** Fields on every log line besides `app` (e.g. the worker's id). */
  logBase?: (config: Config) => Record<string, unknown>;
  /**
   * STACK=embedded: starts the stand-ins and returns the variables that point the app at them. Without it an
   * embedded app uses the defaults, which name the embedded stack's fixed ports.
   */
  embedded?: (config: Config) => Promise<Env>;
}

/**
 * Start-up, the same for every app: the config from the environment; on AWS the settings from Parameter Store
 * merged under it, an explicit variable winning (the database credentials rotate: databaseConnection reads them); on the embedded stack the
 * stand-ins' variables; then the logger at the configured level and tracing (telemetry.ts).
 */
export async function bootstrap(app: string, opts: BootstrapOptions = {}): Promise<Bootstrapped> {
  let env = opts.env ?? readEnvironment();
  let config = loadConfig(env);
  if (config.STACK === "aws") {
    env = { ...env, ...(await loadRemoteConfig(config, env)) };
    config = loadConfig(env);
  } else if (opts.embedded) {
    env = { ...env, ...(await opts.embedded(config)) };
    config = loadConfig(env);
  }
  const log = createLogger({ app, level: config.LOG_LEVEL, ...(opts.logBase ? { base: opts.logBase(config) } : {}) });
  return { config, env, log, telemetry: initTelemetry(app, config) };
}

/**
 * Runs an app's main. A bad setting prints the config error (naming the variable) and exits 2; anything else that
 * stops start-up is logged as fatal and exits 1.
 */
export function runMain(app: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    createLogger({ app }).fatal({ err }, `${app} failed to start`);
    process.exit(1);
  });
}
