import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT, ENV, find, loadTemplates, REGION, REPO_ROOT, Renderer, type Template } from "./lib/cfn";
import { isAllowed, resourceWithin, roleStatements, type Statement } from "./lib/iam";
import { appDependsOn, appPackages, scanDir, scanSource, servicePrefix, type Finding } from "./lib/scan";

/**
 * IAM grants derived from the code as it is when the test runs. Each app's role must grant:
 *  - every action of the SDK calls in the app's own src and in the workspace packages it depends on, except the
 *    adapters package, whose calls count only for the AWS services that app uses (APP_SERVICES): the adapters are
 *    one package behind one barrel, so which file an app reaches cannot be read from imports;
 *  - minus the explicit, reasoned NOT_NEEDED exceptions (least privilege where the union would over-grant).
 * Every resource a role names must lie within that app's own resources (ALLOWED), and per-key probes pin prefixes.
 */
const templates = loadTemplates();
const r = new Renderer(templates);
const bucket = `arn:aws:s3:::photoreel-${ENV}-media-${ACCOUNT}`;
const key = (k: string) => `${bucket}/${k}`;
const exp = (name: string) => String(r.importValue(`${ENV}-${name}`));
const queues = { render: exp("RenderQueueArn"), preview: exp("PreviewQueueArn"), dlq: exp("DeadLetterQueueArn") };
const table = exp("VideosTableArn");
// The apps' database secret is the least-privilege app role's; the master secret reaches no task or Lambda role.
const secret = exp("AppDatabaseSecretArn");
const workerTasks = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/photoreel-${ENV}/*`;
const userPool = exp("UserPoolArn");
const ssm = [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/photoreel/${ENV}`, `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/photoreel/${ENV}/*`];

type App = "api" | "worker" | "thumbnailer";
const APP_SERVICES: Record<App, string[]> = {
  api: ["s3", "sqs", "dynamodb", "cognito-idp", "ssm", "secretsmanager"],
  worker: ["s3", "sqs", "dynamodb", "ssm"], // no database, so no database secret
  thumbnailer: ["s3", "ssm", "secretsmanager"],
};
const NOT_NEEDED: Record<App, Record<string, string>> = {
  api: {},
  worker: {
    "dynamodb:PutItem": "jobs are created by the api; the worker only transitions them",
    "dynamodb:DeleteItem": "jobs are deleted by the api",
  },
  thumbnailer: {
    "s3:ListBucket": "HeadBucket is the readiness ping, which only the api serves",
    "s3:ListMultipartUploadParts": "browser multipart uploads are the api's",
  },
};
/** Libraries (node_modules, not scanned) that call AWS on the app's behalf. */
const LIBRARY_ACTIONS: Record<string, string[]> = {
  "sqs-consumer": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
};
/**
 * What the ADOT collector (the tasks' sidecar, the Lambda's layer) calls with the app's role to send spans to X-Ray.
 * X-Ray has no resource-level permissions (its actions accept only Resource "*"): the one reasoned exception to
 * "never *", for exactly these actions.
 */
const XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"];
/** Grants no SDK call in the code explains: the platform's own needs. */
const EXTRA_GRANTS: Record<App, string[]> = {
  api: [...XRAY_ACTIONS],
  thumbnailer: [
    "logs:CreateLogStream", "logs:PutLogEvents", // the Lambda writes its own log group
    "sqs:SendMessage", // Lambda sends events that failed every retry to the on-failure queue with this role
    ...XRAY_ACTIONS,
  ],
  // The ECS agent's task-protection endpoint acts with the task role (apps/worker/src/task-protection.ts).
  worker: ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection", ...XRAY_ACTIONS],
};
/** Everything each role may name as a resource. */
const ALLOWED: Record<App, string[]> = {
  api: [bucket, key("users/*"), queues.render, queues.preview, queues.dlq, table, `${table}/index/*`, userPool, secret, ...ssm],
  worker: [bucket, key("users/*/photos/*"), key("users/*/audio/*"), key("users/*/videos/*"), queues.render, queues.preview, queues.dlq, table, `${table}/index/*`, workerTasks, ...ssm],
  thumbnailer: [key("users/*/photos/*"), secret, ...ssm, "att(media.ThumbnailerLogGroup.Arn)", "att(media.ThumbnailerFailureQueue.Arn)"],
};
/** Where a derived action of a service is expected to work for the app (any one will do). */
const PROBES: Record<App, Record<string, string[]>> = {
  api: {
    s3: [bucket, key("users/u1/photos/p1/original"), key("users/u1/videos/v1/video.mp4")],
    sqs: [queues.render, queues.preview, queues.dlq],
    dynamodb: [table, `${table}/index/byStatus`],
    "cognito-idp": [userPool],
  },
  worker: {
    s3: [bucket, key("users/u1/photos/p1/original"), key("users/u1/videos/v1/video.mp4")],
    sqs: [queues.render, queues.preview, queues.dlq],
    dynamodb: [table, `${table}/index/byStatus`],
  },
  thumbnailer: { s3: [key("users/u1/photos/p1/original"), key("users/u1/photos/p1/thumb.webp")] },
};
for (const app of Object.keys(PROBES) as App[]) {
  PROBES[app].ssm = ssm.map((s) => s.replace("*", "LOG_LEVEL"));
  PROBES[app].secretsmanager = [secret];
}

function role(app: App): { t: Template; statements: Statement[] } {
  const [stack, id] = app === "thumbnailer" ? ["media", "ThumbnailerRole"] : ["app", app === "api" ? "ApiTaskRole" : "WorkerTaskRole"];
  const t = find(templates, stack);
  return { t, statements: roleStatements(t.Resources[id]!, t, r) };
}

function derivedActions(app: App): { action: string; from: string }[] {
  const findings: Finding[] = [];
  findings.push(...scanDir(join(REPO_ROOT, "apps", app, "src")));
  for (const pkg of appPackages(app)) {
    if (pkg === "local-stack") continue; // the embedded stand-ins: never bundled, never on AWS
    const found = scanDir(join(REPO_ROOT, "packages", pkg, "src"));
    findings.push(...(pkg === "adapters" ? found.filter((f) => APP_SERVICES[app].includes(servicePrefix(f.module)!)) : found));
  }
  const out = findings.flatMap((f) => f.actions.map((action) => ({ action, from: `${f.file} ${f.symbol}` })));
  for (const [lib, actions] of Object.entries(LIBRARY_ACTIONS))
    if (appDependsOn(app, lib)) out.push(...actions.map((action) => ({ action, from: lib })));
  return out.filter((a) => !(a.action in NOT_NEEDED[app]));
}

/**
 * Resources a role names outside its app's own (ALLOWED). Resource "*" passes only in a statement whose actions are
 * all X-Ray's span-sending ones; any other action beside them, or alone, with "*" is reported.
 */
function outsideResources(app: App, statements: Statement[]): string[] {
  return statements.flatMap((s) => {
    const xrayOnly = s.actions.length > 0 && s.actions.every((a) => XRAY_ACTIONS.includes(a));
    return s.resources.filter((res) => !(res === "*" && xrayOnly) && !resourceWithin(res, ALLOWED[app])).map((res) => `${s.sid}: ${res}`);
  });
}

function ungranted(app: App, statements: Statement[], actions: { action: string; from: string }[]): string[] {
  return actions
    .filter(({ action }) => !(PROBES[app][action.split(":")[0]!] ?? []).some((res) => isAllowed(statements, action, res)))
    .map(({ action, from }) => `${action} (${from})`);
}

describe("scanning the code for AWS calls", () => {
  it("maps SDK commands, lib-storage and presigned POST to IAM actions (fixture)", () => {
    const src = `
      import { GetObjectCommand, HeadObjectCommand as Head, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
      import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
      import { Upload } from "@aws-sdk/lib-storage";
      import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
      import { InitiateAuthCommand, AdminAddUserToGroupCommand } from "@aws-sdk/client-cognito-identity-provider";
      import { DeleteMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
      import type { DeleteCommand } from "@aws-sdk/lib-dynamodb";
      new GetObjectCommand({}); new Head({}); new ListObjectsV2Command({}); new PutCommand({}); new QueryCommand({});
      new Upload({}); await createPresignedPost(c, {}); new InitiateAuthCommand({}); new AdminAddUserToGroupCommand({});
      new DeleteMessageBatchCommand({});  // SendMessageCommand imported but never constructed
    `;
    expect(scanSource(src).flatMap((f) => f.actions).sort()).toEqual(
      [
        "s3:GetObject", "s3:GetObject", "s3:ListBucket", "dynamodb:PutItem", "dynamodb:Query", "s3:PutObject",
        "s3:AbortMultipartUpload", "s3:PutObject", "cognito-idp:AdminAddUserToGroup", "sqs:DeleteMessage",
      ].sort(),
    );
  });

  it.each(["api", "worker", "thumbnailer"] as App[])("%s: every action its code needs is granted on its own resources", (app) => {
    const actions = derivedActions(app);
    // Logged so a reviewer sees what the scan found at this moment of the concurrent work.
    console.info(`${app}: ${[...new Set(actions.map((a) => a.action))].sort().join(", ") || "(no AWS calls found yet)"}`);
    const services = new Set(actions.map((a) => a.action.split(":")[0]));
    expect([...services].filter((s) => !(s! in PROBES[app])), `${app} calls a service its role has no resources for`).toEqual([]);
    expect(ungranted(app, role(app).statements, actions)).toEqual([]);
  });

  it("reports a missing grant (the check can fail)", () => {
    const { statements } = role("worker");
    const without = statements.map((s) => ({ ...s, actions: s.actions.filter((a) => a !== "sqs:ChangeMessageVisibility") }));
    expect(ungranted("worker", without, [{ action: "sqs:ChangeMessageVisibility", from: "fixture" }])).toEqual([
      "sqs:ChangeMessageVisibility (fixture)",
    ]);
  });
});

describe("least privilege", () => {
  const can = (app: App, action: string, res: string) => isAllowed(role(app).statements, action, res);
  it.each(["api", "worker", "thumbnailer"] as App[])("%s: names only its own resources, never * (but for X-Ray's span sending)", (app) => {
    expect(outsideResources(app, role(app).statements)).toEqual([]);
    expect(role(app).statements.every((s) => s.effect === "Allow" && !s.actions.some((a) => a.includes("*")))).toBe(true);
  });

  it.each(["api", "worker", "thumbnailer"] as App[])("%s: may send spans to X-Ray (the collector uses the app's role)", (app) => {
    for (const action of XRAY_ACTIONS) expect(can(app, action, "*"), action).toBe(true);
  });

  it("the X-Ray exception covers exactly those actions: any other action on * still fails (the check can fail)", () => {
    const statements = role("worker").statements;
    const star = (sid: string, actions: string[]): Statement => ({ sid, effect: "Allow", actions, resources: ["*"] });
    expect(outsideResources("worker", [...statements, star("Fixture", ["s3:GetObject"])])).toEqual(["Fixture: *"]);
    expect(outsideResources("worker", [...statements, star("Mixed", [...XRAY_ACTIONS, "xray:BatchGetTraces"])])).toEqual(["Mixed: *"]);
    expect(outsideResources("worker", [...statements, star("Wildcard", ["xray:*"])])).toEqual(["Wildcard: *"]);
    expect(outsideResources("worker", [...statements, star("Sending", XRAY_ACTIONS)])).toEqual([]);
  });

  it.each(["api", "worker", "thumbnailer"] as App[])("%s: grants no action its code does not call", (app) => {
    const needed = new Set([...derivedActions(app).map((a) => a.action), ...EXTRA_GRANTS[app]]);
    const extra = role(app).statements.flatMap((s) => s.actions.filter((a) => !needed.has(a)).map((a) => `${s.sid}: ${a}`));
    expect(extra).toEqual([]);
  });

  it("api: user objects, its queues, the table and the user pool", () => {
    expect(can("api", "s3:PutObject", key("users/u1/photos/p1/original"))).toBe(true);
    expect(can("api", "s3:PutObject", key("users/u1/audio/a1/original"))).toBe(true);
    expect(can("api", "s3:DeleteObject", key("users/u1/videos/v1/video.mp4"))).toBe(true);
    expect(can("api", "s3:PutObject", key("other/x"))).toBe(false);
    expect(can("api", "sqs:SendMessage", queues.render)).toBe(true);
    expect(can("api", "sqs:DeleteMessage", queues.dlq)).toBe(true);
    expect(can("api", "sqs:DeleteMessage", queues.render)).toBe(false);
    expect(can("api", "dynamodb:Query", `${table}/index/byStatus`)).toBe(true);
    expect(can("api", "cognito-idp:AdminAddUserToGroup", userPool)).toBe(true);
  });
  it("worker: reads inputs, writes only videos, never creates or deletes jobs, no Cognito", () => {
    expect(can("worker", "s3:GetObject", key("users/u1/photos/p1/original"))).toBe(true);
    expect(can("worker", "s3:GetObject", key("users/u1/audio/a1/original"))).toBe(true);
    expect(can("worker", "s3:PutObject", key("users/u1/videos/v1/video.mp4"))).toBe(true);
    expect(can("worker", "s3:PutObject", key("users/u1/videos/v1/poster.jpg"))).toBe(true);
    expect(can("worker", "s3:PutObject", key("users/u1/photos/p1/original"))).toBe(false);
    expect(can("worker", "s3:DeleteObject", key("users/u1/photos/p1/original"))).toBe(false);
    expect(can("worker", "sqs:ReceiveMessage", queues.render)).toBe(true);
    expect(can("worker", "sqs:ChangeMessageVisibility", queues.preview)).toBe(true);
    expect(can("worker", "sqs:DeleteMessage", queues.dlq)).toBe(false);
    expect(can("worker", "dynamodb:PutItem", table)).toBe(false);
    expect(can("worker", "dynamodb:DeleteItem", table)).toBe(false);
    expect(can("worker", "cognito-idp:AdminDeleteUser", userPool)).toBe(false);
  });
  it("thumbnailer: reads originals, writes thumbnails, nothing else", () => {
    expect(can("thumbnailer", "s3:GetObject", key("users/u1/photos/p1/original"))).toBe(true);
    expect(can("thumbnailer", "s3:PutObject", key("users/u1/photos/p1/thumb.webp"))).toBe(true);
    expect(can("thumbnailer", "s3:PutObject", key("users/u1/photos/p1/preview.webp"))).toBe(true);
    expect(can("thumbnailer", "s3:PutObject", key("users/u1/photos/p1/original"))).toBe(false);
    expect(can("thumbnailer", "s3:GetObject", key("users/u1/videos/v1/video.mp4"))).toBe(false);
    expect(can("thumbnailer", "s3:GetObject", key("users/u1/audio/a1/original"))).toBe(false);
    expect(can("thumbnailer", "sqs:SendMessage", queues.render)).toBe(false);
    expect(can("thumbnailer", "dynamodb:GetItem", table)).toBe(false);
  });
});
