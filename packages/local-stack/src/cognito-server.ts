import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Server } from "node:http";
import path from "node:path";
import { LOCAL_USER_POOL_ID } from "./resources";
import { USER_POOL_SPEC } from "./provision";

/*
 * cognito-local's createDefaultServer() keeps its state in "./.cognito" relative to the working directory and has
 * no option to move it; changing the process's cwd is not acceptable in a server. So this assembles the same
 * server from cognito-local's own parts (lib/server/defaults.js, 5.3.0) with an absolute data directory.
 * Deep requires work because the package has no "exports" map; the version is pinned exactly.
 */
const requireCognito = createRequire(createRequire(import.meta.url).resolve("cognito-local/package.json"));

interface Ctx {
  logger: unknown;
}
interface CognitoUser {
  Username: string;
  RefreshTokens?: string[];
  /** Added by the embedded stack: when GlobalSignOut last ran (epoch seconds). */
  SignedOutAt?: number;
}
interface UserPoolService {
  getUserByUsername(ctx: Ctx, username: string): Promise<CognitoUser | null>;
  saveUser(ctx: Ctx, user: CognitoUser): Promise<void>;
}
interface CognitoService {
  getUserPool(ctx: Ctx, id: string): Promise<unknown>;
  getUserPoolForClientId(ctx: Ctx, clientId: string): Promise<UserPoolService>;
  createUserPool(ctx: Ctx, pool: Record<string, unknown>): Promise<unknown>;
}
interface CognitoModules {
  pino: (opts: { level: string }) => unknown;
  config: { loadConfig(ctx: Ctx, factory: unknown): Promise<CognitoConfig> };
  stormDb: { StormDBDataStoreFactory: new (dir: string) => unknown };
  cognitoService: { CognitoServiceFactoryImpl: new (dir: string, f: unknown, u: unknown) => { create(ctx: Ctx, defaults: unknown): Promise<CognitoService> } };
  userPoolService: { UserPoolServiceFactoryImpl: new (clock: unknown, f: unknown) => unknown };
  services: {
    DateClock: new () => unknown;
    TriggersService: new (clock: unknown, cognito: unknown, lambda: unknown, crypto: unknown) => unknown;
    LambdaService: new (fns: unknown, lambda: unknown) => unknown;
    MessagesService: new (triggers: unknown, delivery: unknown) => unknown;
  };
  messageDelivery: { MessageDeliveryService: new (sender: unknown) => unknown };
  otp: { otp: () => string };
  tokenGenerator: { JwtTokenGenerator: new (clock: unknown, triggers: unknown, cfg: unknown) => unknown };
  router: { Router: (services: unknown) => Route };
  errors: { NotAuthorizedError: new () => Error };
  jwt: { verify(token: string, key: string, opts: { algorithms: string[] }): unknown };
  publicKey: { pem: string };
  server: {
    createServer(router: unknown, logger: unknown, options: { port: number; hostname: string; development: boolean; https: false }, services: unknown): { start(): Promise<Server> };
  };
}
type Route = (target: string) => (ctx: Ctx, req: Record<string, unknown>) => Promise<unknown>;

/**
 * cognito-local 5.3.0 has no GlobalSignOut, and its GetUser accepts any access token that decodes. Real Cognito
 * revokes the user's refresh tokens and refuses their earlier access tokens; this does the same (after checking the
 * access token's signature), so sign-out behaves alike on both. The sign-out time is kept on the user record, in
 * whole seconds like `iat`: a token issued in an earlier second is refused, one from the same second is not (that
 * never refuses a token minted just after signing out, at the price of a second's grace).
 */
function withGlobalSignOut(m: CognitoModules, cognito: CognitoService, route: Route): Route {
  const userOf = async (ctx: Ctx, accessToken: unknown) => {
    let claims: { client_id?: string; sub?: string; token_use?: string; iat?: number };
    try {
      claims = m.jwt.verify(String(accessToken), m.publicKey.pem, { algorithms: ["RS256"] }) as typeof claims;
    } catch {
      throw new m.errors.NotAuthorizedError();
    }
    if (claims.token_use !== "access" || !claims.client_id || !claims.sub) throw new m.errors.NotAuthorizedError();
    const pool = await cognito.getUserPoolForClientId(ctx, claims.client_id);
    const user = await pool.getUserByUsername(ctx, claims.sub);
    if (!user) throw new m.errors.NotAuthorizedError();
    return { pool, user, iat: claims.iat ?? 0 };
  };
  const globalSignOut = async (ctx: Ctx, req: Record<string, unknown>) => {
    const { pool, user } = await userOf(ctx, req.AccessToken);
    await pool.saveUser(ctx, { ...user, RefreshTokens: [], SignedOutAt: Math.floor(Date.now() / 1000) });
    return {};
  };
  const getUser = async (ctx: Ctx, req: Record<string, unknown>) => {
    const { user, iat } = await userOf(ctx, req.AccessToken);
    if (iat < (user.SignedOutAt ?? 0)) throw new m.errors.NotAuthorizedError();
    return route("GetUser")(ctx, req);
  };
  return (target) => (target === "GlobalSignOut" ? globalSignOut : target === "GetUser" ? getUser : route(target));
}

interface CognitoConfig {
  UserPoolDefaults: unknown;
  TriggerFunctions: unknown;
  TokenConfig: unknown;
}

function loadModules(): CognitoModules {
  const r = (p: string) => requireCognito(p);
  return {
    pino: r("pino"),
    config: r("./lib/server/config.js"),
    stormDb: r("./lib/services/dataStore/stormDb.js"),
    cognitoService: r("./lib/services/cognitoService.js"),
    userPoolService: r("./lib/services/userPoolService.js"),
    services: r("./lib/services/index.js"),
    messageDelivery: r("./lib/services/messageDelivery/messageDelivery.js"),
    otp: r("./lib/services/otp.js"),
    tokenGenerator: r("./lib/services/tokenGenerator.js"),
    router: r("./lib/server/Router.js"),
    errors: r("./lib/errors.js"),
    jwt: r("jsonwebtoken"),
    publicKey: r("./lib/keys/cognitoLocal.public.json"),
    server: r("./lib/server/server.js"),
  };
}

export interface CognitoMessage {
  destination: string;
  code: string | undefined;
  subject: string | undefined;
}

export interface CognitoLocalOptions {
  dir: string;
  port: number;
  /** Receives the confirmation codes cognito-local would otherwise print to its (silenced) log. */
  onMessage?: (message: CognitoMessage) => void;
}

/** Real Cognito's issuer host, so `CognitoJwtVerifier` accepts the stand-in's tokens unchanged. */
const ISSUER_DOMAIN = "https://cognito-idp.us-east-1.amazonaws.com";

async function writeConfig(dir: string): Promise<void> {
  const file = path.join(dir, "config.json");
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  } catch {
    // first start
  }
  const tokenConfig = { ...(current.TokenConfig as object | undefined), IssuerDomain: ISSUER_DOMAIN };
  await writeFile(file, JSON.stringify({ ...current, TokenConfig: tokenConfig }, null, 2));
}

export async function startCognitoLocal(opts: CognitoLocalOptions): Promise<{ server: Server; port: number }> {
  const m = loadModules();
  const dataDir = path.join(opts.dir, "db");
  await mkdir(dataDir, { recursive: true });
  await writeConfig(opts.dir);

  const logger = m.pino({ level: "silent" });
  const ctx: Ctx = { logger };
  const config = await m.config.loadConfig(ctx, new m.stormDb.StormDBDataStoreFactory(opts.dir));
  const clock = new m.services.DateClock();
  const storeFactory = new m.stormDb.StormDBDataStoreFactory(dataDir);
  const cognito = await new m.cognitoService.CognitoServiceFactoryImpl(
    dataDir,
    storeFactory,
    new m.userPoolService.UserPoolServiceFactoryImpl(clock, storeFactory),
  ).create(ctx, config.UserPoolDefaults);

  // CreateUserPool would mint a "local_XXXX" id; the app wants the real format, so the pool is seeded directly.
  try {
    await cognito.getUserPool(ctx, LOCAL_USER_POOL_ID);
  } catch {
    const now = new Date();
    await cognito.createUserPool(ctx, {
      Id: LOCAL_USER_POOL_ID,
      Name: USER_POOL_SPEC.PoolName,
      Arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${LOCAL_USER_POOL_ID}`,
      UsernameAttributes: USER_POOL_SPEC.UsernameAttributes,
      UsernameConfiguration: USER_POOL_SPEC.UsernameConfiguration,
      AutoVerifiedAttributes: USER_POOL_SPEC.AutoVerifiedAttributes,
      Policies: USER_POOL_SPEC.Policies,
      CreationDate: now,
      LastModifiedDate: now,
    });
  }

  const sender = {
    sendEmail: async (_ctx: Ctx, _user: unknown, destination: string, message: { __code?: string; emailSubject?: string }) => {
      opts.onMessage?.({ destination, code: message.__code, subject: message.emailSubject });
    },
    sendSms: async (_ctx: Ctx, _user: unknown, destination: string, message: { __code?: string }) => {
      opts.onMessage?.({ destination, code: message.__code, subject: undefined });
    },
  };
  const triggers = new m.services.TriggersService(
    clock,
    cognito,
    // No Lambda triggers are configured, so neither the Lambda client nor the KMS crypto service (only used by
    // the CustomEmailSender trigger) is ever called; stubbing them avoids loading the end-of-life aws-sdk v2.
    new m.services.LambdaService(config.TriggerFunctions, {}),
    {
      decrypt: () => Promise.reject(new Error("KMS is not available in the embedded stack")),
      encrypt: () => Promise.reject(new Error("KMS is not available in the embedded stack")),
    },
  );
  const services = {
    clock,
    cognito,
    config,
    messages: new m.services.MessagesService(triggers, new m.messageDelivery.MessageDeliveryService(sender)),
    otp: m.otp.otp,
    tokenGenerator: new m.tokenGenerator.JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const server = await m.server
    .createServer(withGlobalSignOut(m, cognito, m.router.Router(services)), logger, { port: opts.port, hostname: "127.0.0.1", development: false, https: false }, services)
    .start();
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("cognito-local did not bind a TCP port");
  return { server, port: address.port };
}
