import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACCOUNT, ENV, find, loadTemplates, REGION, REPO_ROOT, Renderer, type Json, type Resource } from "./lib/cfn";
import { isAllowed, roleStatements } from "./lib/iam";

/** The properties that let a real deployment survive rotation, scale-in, redeploys and first deploys (#18). */
const templates = loadTemplates();
const r = new Renderer(templates);
const props = (res: Resource) => res.Properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const app = find(templates, "app");
const data = find(templates, "data");
const media = find(templates, "media");
const pipeline = find(templates, "pipeline");
const containers = (id: string) => props(app.Resources[id]!).ContainerDefinitions as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
const envOf = (c: Record<string, any>) => Object.fromEntries((c.Environment ?? []).map((e: { Name: string; Value: Json }) => [e.Name, r.render(e.Value, app)])); // eslint-disable-line @typescript-eslint/no-explicit-any
const masterSecret = String(r.importValue(`${ENV}-DatabaseSecretArn`));
const appSecret = String(r.importValue(`${ENV}-AppDatabaseSecretArn`));

describe("database credentials: an app role, a migrate step with the master secret, rotation", () => {
  it("the api task runs the migrate step first and starts only when it succeeded", () => {
    const [migrate, api] = containers("ApiTaskDefinition");
    expect(migrate).toMatchObject({ Name: "migrate", Essential: false, Command: ["node", "--enable-source-maps", "dist/migrate.js"] });
    expect(api).toMatchObject({ Name: "api", Essential: true });
    expect(api!.DependsOn).toContainEqual({ ContainerName: "migrate", Condition: "SUCCESS" });
    // The image has that entry point: the api package bundles src/migrate.ts to dist/migrate.js.
    const build = (JSON.parse(readFileSync(join(REPO_ROOT, "apps/api/package.json"), "utf8")) as { scripts: { build: string } }).scripts.build;
    expect(build).toMatch(/bundle\.mjs src\/migrate\.ts dist\/migrate\.js/);
  });

  it("only the migrate container receives the master credentials, injected by ECS; every app uses the app role's secret", () => {
    const [migrate, api] = containers("ApiTaskDefinition");
    expect(migrate!.Secrets.map((s: { Name: string; ValueFrom: Json }) => [s.Name, r.render(s.ValueFrom, app)])).toEqual([
      ["DATABASE_MASTER_USERNAME", `${masterSecret}:username::`],
      ["DATABASE_MASTER_PASSWORD", `${masterSecret}:password::`],
    ]);
    expect(api!.Secrets).toBeUndefined();
    expect(envOf(api!).DATABASE_SECRET_ARN).toBe(appSecret);
    expect(envOf(migrate!).DATABASE_SECRET_ARN).toBe(appSecret);
    expect(envOf(containers("WorkerTaskDefinition")[0]!).DATABASE_SECRET_ARN).toBeUndefined(); // the worker has no database
    expect(r.render(props(media.Resources.ThumbnailerFunction!).Environment.Variables.DATABASE_SECRET_ARN, media)).toBe(appSecret);
    // No task or Lambda role can read the master secret; the execution role can (for the injection) and nothing else.
    for (const [t, id] of [[app, "ApiTaskRole"], [app, "WorkerTaskRole"], [media, "ThumbnailerRole"]] as const)
      expect(isAllowed(roleStatements(t.Resources[id]!, t, r), "secretsmanager:GetSecretValue", masterSecret), id).toBe(false);
    expect(isAllowed(roleStatements(app.Resources.ExecutionRole!, app, r), "secretsmanager:GetSecretValue", masterSecret)).toBe(true);
  });

  it("Secrets Manager rotates the app role's secret (hosted single-user rotation in the VPC), and the deploy can expand it", () => {
    const rotation = props(data.Resources.AppDatabaseSecretRotation!);
    expect(rotation.HostedRotationLambda).toMatchObject({ RotationType: "PostgreSQLSingleUser" });
    expect(r.render(rotation.RotationRules.ScheduleExpression, data)).toMatch(/^rate\(\d+ days\)$/);
    expect(props(data.Resources.AppDatabaseSecretAttachment!)).toMatchObject({ TargetType: "AWS::RDS::DBInstance", TargetId: { Ref: "Database" } });
    const text = readFileSync(join(REPO_ROOT, "cloudformation/data.yml"), "utf8");
    expect(text).toMatch(/^Transform: AWS::SecretsManager-2020-07-23$/m);
    const action = deployAction("data");
    expect(String(action.Configuration.Capabilities).split(",")).toEqual(expect.arrayContaining(["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]));
  });
});

describe("workers: scale-in protection, scaling from zero, Spot", () => {
  it("the worker role may set its own task's scale-in protection (the ECS agent calls with the task role)", () => {
    const s = roleStatements(app.Resources.WorkerTaskRole!, app, r);
    const task = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/photoreel-${ENV}/0123456789abcdef`;
    expect(isAllowed(s, "ecs:UpdateTaskProtection", task)).toBe(true);
    expect(isAllowed(s, "ecs:UpdateTaskProtection", `arn:aws:ecs:${REGION}:${ACCOUNT}:task/other-cluster/1`)).toBe(false);
  });

  it("target tracking counts messages in flight and fills missing data with 0", () => {
    const metrics = props(app.Resources.WorkerBacklogScaling!).TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const names = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric.MetricName);
    expect(names.filter((n) => n === "ApproximateNumberOfMessagesNotVisible")).toHaveLength(2);
    const expr = metrics.find((m) => m.ReturnData)!.Expression as string;
    for (const id of metrics.filter((m) => m.MetricStat).map((m) => m.Id as string)) expect(expr).toContain(`FILL(${id}, 0)`);
  });

  it("a step policy starts the first task when messages wait and none runs", () => {
    const step = props(app.Resources.WorkerScaleFromZero!);
    expect(step).toMatchObject({ PolicyType: "StepScaling", StepScalingPolicyConfiguration: { AdjustmentType: "ExactCapacity", StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] } });
    const alarm = props(app.Resources.WorkerIdleWithBacklog!);
    expect(alarm.AlarmActions).toEqual([{ Ref: "WorkerScaleFromZero" }]);
    expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: "GreaterThanThreshold" });
    expect(alarm.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression).toBe("IF(FILL(tasks, 0) == 0, FILL(render, 0) + FILL(preview, 0), 0)");
  });

  it("workers run on Fargate Spot above an on-demand base", () => {
    expect(props(app.Resources.Cluster!).CapacityProviders).toEqual(["FARGATE", "FARGATE_SPOT"]);
    const svc = props(app.Resources.WorkerService!);
    expect(svc.LaunchType).toBeUndefined();
    expect(svc.CapacityProviderStrategy).toEqual([
      { CapacityProvider: "FARGATE", Base: { Ref: "WorkerOnDemandBase" }, Weight: 0 },
      { CapacityProvider: "FARGATE_SPOT", Weight: 1 },
    ]);
    expect(Number(app.Parameters.WorkerOnDemandBase!.Default)).toBeGreaterThanOrEqual(1);
  });
});

function deployAction(stack: string) {
  const stages = props(pipeline.Resources.Pipeline!).Stages as { Name: string; Actions: { Configuration: Record<string, Json> }[] }[];
  return stages.filter((s) => s.Name === "Deploy").flatMap((s) => s.Actions).find((a) => String(a.Configuration?.TemplatePath).endsWith(`/${stack}.yml`))!;
}

describe("first deploys that fail do not stay stuck", () => {
  it("every retained resource with a fixed name is deleted when its own creation rolls back (RetainExceptOnCreate)", () => {
    const retained = templates.flatMap((t) => Object.entries(t.Resources).filter(([, res]) => /^Retain/.test(String(res.DeletionPolicy))).map(([id, res]) => [`${t.stack}.${id}`, res.DeletionPolicy]));
    expect(retained.length).toBeGreaterThanOrEqual(4);
    expect(retained.filter(([, p]) => p !== "RetainExceptOnCreate")).toEqual([]);
  });

  it("ECR repositories empty themselves when the pipeline stack is deleted", () => {
    for (const id of ["ApiRepository", "WorkerRepository"]) expect(props(pipeline.Resources[id]!).EmptyOnDelete, id).toBe(true);
  });

  it("the build clears stacks left in ROLLBACK_COMPLETE, for exactly the stacks the pipeline deploys", () => {
    const buildspec = parse(readFileSync(join(REPO_ROOT, "buildspec.yml"), "utf8")) as { phases: Record<string, { commands: string[] }> };
    const cmd = Object.values(buildspec.phases).flatMap((p) => p.commands).find((c) => c.includes("clear-failed-stacks.sh"))!;
    const stacks = cmd.split(/\s+/).slice(3);
    const deployed = (props(pipeline.Resources.Pipeline!).Stages as { Name: string; Actions: { Configuration: Record<string, Json> }[] }[])
      .find((s) => s.Name === "Deploy")!.Actions.flatMap((a) => /\/(\w+)\.yml$/.exec(String(a.Configuration.TemplatePath))?.[1] ?? []);
    expect(stacks.sort()).toEqual(deployed.sort());
    expect(cmd).toContain('"$ENV_NAME"');
  });
});

describe("database connection budget", () => {
  // RDS's default max_connections is LEAST(DBInstanceClassMemory / 9531392, 5000); for db.t4g.micro (1 GiB, of
  // which RDS leaves about 0.75 GiB as DBInstanceClassMemory) that is about 80, 3 of them reserved for superusers.
  const MAX_CONNECTIONS: Record<string, number> = { "db.t4g.micro": 80, "db.t4g.small": 180, "db.t4g.medium": 400 };
  const OPERATOR_HEADROOM = 5; // psql sessions, the RDS console's queries

  it("api pools at a deploy's peak, migrate steps, the thumbnailer's reserved instances and the rotation fit the instance", () => {
    const num = (t: typeof app, p: string) => Number(t.Parameters[p]!.Default);
    const apiTasksAtPeak = num(app, "ApiDesiredCount") * (props(app.Resources.ApiService!).DeploymentConfiguration.MaximumPercent / 100);
    const poolSize = num(find(templates, "config"), "DatabasePoolSize");
    const thumbnailerPool = Number(props(media.Resources.ThumbnailerFunction!).Environment.Variables.DATABASE_POOL_SIZE);
    const budget = {
      api: apiTasksAtPeak * poolSize,
      migrate: apiTasksAtPeak * 1,
      thumbnailer: num(media, "ThumbnailerConcurrency") * thumbnailerPool,
      rotation: 1,
    };
    const total = Object.values(budget).reduce((a, b) => a + b, 0);
    const max = MAX_CONNECTIONS[String(data.Parameters.DbInstanceClass!.Default)]!;
    expect(num(media, "ThumbnailerConcurrency"), "the thumbnailer must be bounded").toBeGreaterThan(0);
    expect(total, JSON.stringify(budget)).toBeLessThanOrEqual(max - 3 - OPERATOR_HEADROOM);
    // The README shows the same arithmetic.
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    expect(readme).toContain(`${budget.api} + ${budget.migrate} + ${budget.thumbnailer} + ${budget.rotation} = ${total}`);
  });
});
