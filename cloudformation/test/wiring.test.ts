import { configKeys } from "@photoreel/config";
import { describe, expect, it } from "vitest";
import { ENV, find, loadTemplates, parseTemplate, PSEUDO, Renderer, walkIntrinsics, type Json, type Template } from "./lib/cfn";

const templates = loadTemplates();
const renderer = new Renderer(templates);

/** Every dangling reference in a template: Ref/Sub/GetAtt targets, conditions, DependsOn. */
function danglingReferences(t: Template): string[] {
  const problems: string[] = [];
  const known = (name: string) => name in PSEUDO || name in t.Parameters || name in t.Resources;
  const sections: [string, Json][] = [
    ["Resources", t.Resources as unknown as Json],
    ["Outputs", t.Outputs as unknown as Json],
    ["Conditions", t.Conditions as Json],
  ];
  for (const [section, node] of sections) {
    for (const i of walkIntrinsics(node, section)) {
      if (i.kind === "Ref" && !known(i.name)) problems.push(`${i.path}: !Ref ${i.name}`);
      if (i.kind === "GetAtt" && !(i.name in t.Resources)) problems.push(`${i.path}: !GetAtt ${i.name}.${i.attr}`);
      if (i.kind === "Sub") {
        const [id, attr] = i.name.split(/\.(.*)/);
        if (attr ? !(id! in t.Resources) : !known(i.name)) problems.push(`${i.path}: \${${i.name}}`);
      }
      if (i.kind === "Condition" && !(i.name in t.Conditions)) problems.push(`${i.path}: condition ${i.name}`);
    }
  }
  for (const [id, r] of Object.entries(t.Resources)) {
    if (r.Condition && !(r.Condition in t.Conditions)) problems.push(`Resources.${id}.Condition: ${r.Condition}`);
    for (const d of [r.DependsOn ?? []].flat()) if (!(d in t.Resources)) problems.push(`Resources.${id}.DependsOn: ${d}`);
  }
  return problems;
}

function imports(t: Template): string[] {
  return walkIntrinsics(t.Resources as unknown as Json)
    .concat(walkIntrinsics(t.Outputs as unknown as Json))
    .flatMap((i) => (i.kind === "ImportValue" ? [String(renderer.render(i.value, t))] : []));
}

describe("references inside each template", () => {
  it.each(templates.map((t) => [t.stack, t] as const))("%s: every !Ref, !GetAtt, ${} and condition resolves", (_s, t) => {
    expect(danglingReferences(t)).toEqual([]);
  });

  it("detects a dangling reference (the check can fail)", () => {
    const t = parseTemplate(
      [
        "Parameters: { EnvName: { Type: String } }",
        "Resources:",
        "  Q:",
        "    Type: AWS::SQS::Queue",
        "    Properties:",
        '      QueueName: !Sub "${EnvName}-${Nope}"',
        "      RedrivePolicy: { deadLetterTargetArn: !GetAtt Gone.Arn, maxReceiveCount: !Ref Missing }",
      ].join("\n"),
    );
    expect(danglingReferences(t)).toEqual([
      "Resources.Q.Properties.QueueName.Fn::Sub: ${Nope}",
      "Resources.Q.Properties.RedrivePolicy.deadLetterTargetArn.Fn::GetAtt: !GetAtt Gone.Arn",
      "Resources.Q.Properties.RedrivePolicy.maxReceiveCount.Ref: !Ref Missing",
    ]);
  });
});

describe("cross-stack wiring", () => {
  it("every template takes the EnvName parameter and prefixes its exports with it", () => {
    for (const t of templates) {
      expect(t.Parameters.EnvName, t.stack).toBeDefined();
      for (const [name, o] of Object.entries(t.Outputs)) {
        if (o.Export) expect(String(renderer.render(o.Export.Name, t)), `${t.stack}.${name}`).toMatch(new RegExp(`^${ENV}-`));
      }
    }
  });

  it("export names are unique", () => {
    const names = templates.flatMap((t) => Object.values(t.Outputs).flatMap((o) => (o.Export ? [String(renderer.render(o.Export.Name, t))] : [])));
    expect(names.length).toBeGreaterThan(20);
    expect(new Set(names).size).toBe(names.length);
  });

  it("every !ImportValue names an export of another template", () => {
    const exported = renderer.exportsByName();
    const missing = templates.flatMap((t) => imports(t).filter((n) => !exported.has(n)).map((n) => `${t.stack} imports ${n}`));
    expect(missing).toEqual([]);
    const self = templates.flatMap((t) => imports(t).filter((n) => exported.get(n)!.template === t).map((n) => `${t.stack} imports its own ${n}`));
    expect(self).toEqual([]);
  });

  it("the pipeline deploys each stack after the stacks it imports from (RunOrder), and every template is deployed", () => {
    const pipeline = find(templates, "pipeline");
    const stages = (pipeline.Resources.Pipeline!.Properties!.Stages as { Name: string; Actions: Record<string, Json>[] }[]);
    const deploy = stages.find((s) => s.Name === "Deploy")!.Actions;
    // A stack starts at its first action (a CREATE_UPDATE, or the change set a review reads) and is deployed after
    // its last (the change set's execution): an importing stack must start after the exporting one is deployed.
    const order = new Map<string, number>();
    const done = new Map<string, number>();
    for (const a of deploy) {
      const cfg = a.Configuration as Record<string, Json>;
      const stack = /^photoreel-[^-]+-([a-z]+)$/.exec(String(renderer.render(cfg.StackName ?? "", pipeline)))?.[1];
      if (!stack) continue;
      done.set(stack, Math.max(done.get(stack) ?? 0, Number(a.RunOrder)));
      if (cfg.TemplatePath === undefined) continue;
      expect(String(cfg.TemplatePath)).toBe(`BuildOutput::cloudformation/${stack}.yml`);
      order.set(stack, Number(a.RunOrder));
      expect(String(cfg.TemplateConfiguration)).toBe(`BuildOutput::cfn/${stack}.json`);
    }
    expect([...order.keys()].sort()).toEqual(templates.map((t) => t.stack).filter((s) => s !== "pipeline").sort());
    const exported = renderer.exportsByName();
    for (const t of templates) {
      if (t.stack === "pipeline") continue;
      for (const name of imports(t)) {
        const from = exported.get(name)!.template.stack;
        if (from === "pipeline") continue; // deployed by hand first
        expect(done.get(from)!, `${t.stack} imports ${name} from ${from}`).toBeLessThan(order.get(t.stack)!);
      }
    }
  });
});

// ---------- configuration: every config key reaches every app ----------
/** Keys that keep their schema default on AWS on purpose. A new key must be provided or added here with a reason. */
const INTENTIONAL_DEFAULTS: Record<string, string> = {
  DATA_DIR: "embedded stack only (local files)",
  S3_ENDPOINT: "stand-ins only; on AWS the SDK resolves the regional endpoint",
  S3_FORCE_PATH_STYLE: "stand-ins only",
  SQS_ENDPOINT: "stand-ins only",
  DYNAMODB_ENDPOINT: "stand-ins only",
  COGNITO_ENDPOINT: "stand-ins only",
  COGNITO_JWKS_URL: "stand-ins only; the real pool's JWKS is fetched from Cognito",
  EMBEDDED_WORKERS: "embedded stack only (workers launched beside the API)",
  EMBEDDED_FREE_PORTS: "embedded stack only (stand-ins on free ports)",
  EMBEDDED_STANDINS: "embedded stack only (who starts the stand-ins)",
  AWS_ACCESS_KEY_ID: "must stay unset on AWS: the SDK takes the task or Lambda role's credentials",
  AWS_SECRET_ACCESS_KEY: "must stay unset on AWS: the SDK takes the task or Lambda role's credentials",
  FFMPEG_PATH: "the worker image installs Debian's ffmpeg on PATH",
  FFPROBE_PATH: "the worker image installs Debian's ffmpeg (with ffprobe) on PATH",
  DATABASE_SSL: "verify-full whenever DATABASE_SECRET_ARN is set (the default); disable is for tests",
  DATABASE_MASTER_USERNAME: "the migrate container only: ECS injects it from the master secret (deploy.test.ts)",
  DATABASE_MASTER_PASSWORD: "the migrate container only: ECS injects it from the master secret (deploy.test.ts)",
  ECS_AGENT_URI: "set by ECS in every task (the worker's scale-in protection)",
  TASK_PROTECTION_MINUTES: "60: longer than a render's time budget, short enough that a dead worker's protection lapses",
  WORKER_ID: "on ECS a worker names itself by its process id (the task id is on every log line already)",
  WORKER_STOP_WAITS_FOR_POLL: "on ECS a stopping worker waits for its last long poll (only the embedded start turns that off)",
};
/** Keys a target never reads. */
const NOT_READ: Record<string, Record<string, string>> = {
  worker: {
    HOST: "no HTTP server", PORT: "no HTTP server", WEB_DIST_DIR: "serves nothing",
    DATABASE_URL: "no database", DATABASE_SECRET_ARN: "no database",
  },
  thumbnailer: { HOST: "no HTTP server", PORT: "no HTTP server", WEB_DIST_DIR: "serves nothing" },
};
/** Set by the platform, not by the template. */
const PLATFORM: Record<string, string[]> = { api: [], worker: [], thumbnailer: ["AWS_REGION"] };
/** Built at start-up by databaseConnection from the secret DATABASE_SECRET_ARN names. */
const DERIVED_FROM_SECRET = ["DATABASE_URL"];

function containerEnv(stack: string, taskDef: string): Record<string, string> {
  const t = find(templates, stack);
  const name = taskDef.replace(/TaskDefinition$/, "").toLowerCase();
  const container = (t.Resources[taskDef]!.Properties!.ContainerDefinitions as Record<string, Json>[]).find((c) => c.Name === name)!;
  return Object.fromEntries(
    (container.Environment as { Name: string; Value: Json }[]).map((e) => [e.Name, String(renderer.render(e.Value, t))]),
  );
}
function lambdaEnv(): Record<string, string> {
  const t = find(templates, "media");
  const vars = (t.Resources.ThumbnailerFunction!.Properties!.Environment as { Variables: Record<string, Json> }).Variables;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(renderer.render(v, t))]));
}
/** SSM parameters (config.yml) under a path, by the variable name they become (last path segment). */
function ssmKeys(path: string): string[] {
  const t = find(templates, "config");
  return Object.values(t.Resources)
    .filter((r) => r.Type === "AWS::SSM::Parameter")
    .map((r) => String(renderer.render(r.Properties!.Name!, t)))
    .filter((n) => n.startsWith(path))
    .map((n) => n.slice(path.length));
}

const targets = {
  api: () => containerEnv("app", "ApiTaskDefinition"),
  worker: () => containerEnv("app", "WorkerTaskDefinition"),
  thumbnailer: lambdaEnv,
};

function missingKeys(target: keyof typeof targets, env: Record<string, string>, keys: readonly string[]): string[] {
  const provided = new Set([...Object.keys(env), ...PLATFORM[target]!]);
  if (env.SSM_PARAMETER_PATH) for (const k of ssmKeys(env.SSM_PARAMETER_PATH)) provided.add(k);
  if (env.DATABASE_SECRET_ARN) for (const k of DERIVED_FROM_SECRET) provided.add(k);
  return keys.filter((k) => !provided.has(k) && !(k in INTENTIONAL_DEFAULTS) && !(k in (NOT_READ[target] ?? {})));
}

describe("configuration reaches the api, the worker and the thumbnailer", () => {
  it("configKeys is the list the apps read (sanity)", () => {
    expect(configKeys).toContain("SSM_PARAMETER_PATH");
    expect(configKeys).toContain("DATABASE_SECRET_ARN");
  });

  it.each(Object.keys(targets))("%s: every config key is set (env or SSM) or listed as intentionally default", (name) => {
    const target = name as keyof typeof targets;
    const env = targets[target]();
    expect(env.STACK).toBe("aws");
    expect(env.NODE_ENV).toBe("production");
    expect(env.SSM_PARAMETER_PATH).toBe(`/photoreel/${ENV}/`);
    // The least-privilege app role's secret; the worker has no database at all.
    expect(env.DATABASE_SECRET_ARN).toBe(target === "worker" ? undefined : "ref(data.AppDatabaseSecret)");
    expect(missingKeys(target, env, configKeys)).toEqual([]);
  });

  it("a new key that nothing provides is reported (the check can fail)", () => {
    expect(missingKeys("worker", targets.worker(), [...configKeys, "BRAND_NEW_REQUIRED_KEY"])).toEqual(["BRAND_NEW_REQUIRED_KEY"]);
  });

  it("every app exports its spans to the collector beside it (the tasks' sidecar, the Lambda's layer)", () => {
    expect(targets.api().OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://127.0.0.1:4318");
    expect(targets.worker().OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://127.0.0.1:4318");
    expect(targets.thumbnailer().OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://localhost:4318");
  });

  it("the api listens on 0.0.0.0:8080 inside the task and serves the web build", () => {
    const env = targets.api();
    expect(env).toMatchObject({ HOST: "0.0.0.0", PORT: "8080", WEB_DIST_DIR: "/app/web" });
  });

  it("every SSM parameter is a config key, and the exceptions lists name only real keys", () => {
    const keys = new Set<string>(configKeys);
    expect(ssmKeys(`/photoreel/${ENV}/`).filter((k) => !keys.has(k))).toEqual([]);
    const listed = [...Object.keys(INTENTIONAL_DEFAULTS), ...Object.values(NOT_READ).flatMap(Object.keys), ...DERIVED_FROM_SECRET];
    expect(listed.filter((k) => !keys.has(k))).toEqual([]);
  });

  it("the SSM path the apps load is the one config.yml exports", () => {
    expect(renderer.importValue(`${ENV}-SsmParameterPath`)).toBe(`/photoreel/${ENV}/`);
  });

  it("S3_BUCKET in SSM names the bucket media.yml creates", () => {
    const config = find(templates, "config");
    const media = find(templates, "media");
    expect(renderer.render(config.Resources.S3BucketParam!.Properties!.Value!, config)).toBe(
      renderer.render(media.Resources.MediaBucket!.Properties!.BucketName!, media),
    );
  });
});
