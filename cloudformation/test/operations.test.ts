import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reasonsForApproval } from "../../scripts/ci/review-change-set.mjs";
import { pipelineConfig } from "../template-config.mjs";
import { ENV, find, loadTemplates, REPO_ROOT, Renderer, type Json, type Resource } from "./lib/cfn";

/** Alarms, edge protection, data protection and change control (#19's infrastructure part). */
const templates = loadTemplates();
const r = new Renderer(templates);
const props = (res: Resource) => res.Properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const all = templates.flatMap((t) => Object.entries(t.Resources).map(([id, res]) => ({ t, id, res })));
const mon = find(templates, "monitoring");
const edge = find(templates, "edge");
const media = find(templates, "media");
const network = find(templates, "network");
const pipeline = find(templates, "pipeline");
const alarms = Object.entries(mon.Resources).filter(([, res]) => res.Type === "AWS::CloudWatch::Alarm");
const metricOf = (res: Resource) => {
  const p = props(res);
  return p.MetricName ? [p.MetricName as string] : (p.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[]).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));
};

describe("alarms that page for the right things", () => {
  it.each([
    ["RDS CPU", "CPUUtilization", "DbCpuPercent"],
    ["RDS free storage", "FreeStorageSpace", "DbFreeStorageBytes"],
    ["RDS freeable memory", "FreeableMemory", "DbFreeableMemoryBytes"],
    ["RDS connections", "DatabaseConnections", "DbConnections"],
    ["preview queue's oldest message", "ApproximateAgeOfOldestMessage", "PreviewOldestMessageSeconds"],
    ["Lambda errors", "Errors", "ThumbnailerErrorCount"],
    ["Lambda throttles", "Throttles", "ThumbnailerThrottleCount"],
    ["api tasks below desired", "DesiredTaskCount", null],
    ["unhealthy targets", "UnHealthyHostCount", null],
    ["dropped async events", "AsyncEventsDropped", null],
  ])("%s: an alarm on %s to the alarm topic, its threshold a parameter with a reasoned default", (_what, metric, param) => {
    const found = alarms.filter(([, res]) => metricOf(res).includes(metric));
    expect(found.length, metric).toBeGreaterThanOrEqual(1);
    const [, res] = found.find(([, x]) => param && JSON.stringify(props(x).Threshold) === JSON.stringify({ Ref: param })) ?? found[0]!;
    expect(props(res).AlarmActions).toEqual([{ Ref: "AlarmTopic" }]);
    if (param) {
      expect(props(res).Threshold).toEqual({ Ref: param });
      expect(mon.Parameters[param]!.Default, param).toBeDefined();
      expect(String((mon.Parameters[param] as { Description?: string }).Description ?? ""), `${param} says why`).not.toBe("");
    }
  });

  it("both ECS services alarm when running below desired", () => {
    const services = alarms.filter(([, res]) => metricOf(res).includes("DesiredTaskCount")).map(([, res]) => JSON.stringify(props(res).Metrics));
    expect(services.some((m) => m.includes('"Value":"api"'))).toBe(true);
    expect(services.some((m) => m.includes('"Value":"worker"'))).toBe(true);
  });

  it("the dashboard lists every alarm and draws the parameterised thresholds", () => {
    const body = String(r.render(props(mon.Resources.Dashboard!).DashboardBody, mon));
    const parsed = JSON.parse(body) as { widgets: { type: string; properties: { alarms?: string[]; annotations?: { horizontal: { value: number }[] } } }[] };
    const listed = parsed.widgets.find((w) => w.type === "alarm")!.properties.alarms!;
    expect(listed.sort()).toEqual(alarms.map(([id]) => `att(monitoring.${id}.Arn)`).sort());
    const drawn = parsed.widgets.flatMap((w) => w.properties.annotations?.horizontal ?? []).map((h) => String(h.value));
    for (const p of ["DbCpuPercent", "DbConnections", "DbFreeStorageBytes", "DbFreeableMemoryBytes", "PreviewOldestMessageSeconds", "OldestMessageAgeThresholdSeconds", "ThumbnailerErrorCount"])
      expect(drawn, p).toContain(String(mon.Parameters[p]!.Default));
  });

  it("a monthly cost budget alerts the alarm topic, which lets Budgets and the pipeline's notifications publish", () => {
    const budget = props(mon.Resources.MonthlyBudget!);
    expect(budget.Budget).toMatchObject({ BudgetType: "COST", TimeUnit: "MONTHLY", BudgetLimit: { Amount: { Ref: "MonthlyBudgetUsd" }, Unit: "USD" } });
    expect(budget.NotificationsWithSubscribers.map((n: { Subscribers: { Address: Json }[] }) => n.Subscribers[0]!.Address)).toEqual([{ Ref: "AlarmTopic" }, { Ref: "AlarmTopic" }]);
    const principals = props(mon.Resources.AlarmTopicPolicy!).PolicyDocument.Statement.map((s: { Principal: { Service: string } }) => s.Principal.Service);
    expect(principals).toEqual(["budgets.amazonaws.com", "codestar-notifications.amazonaws.com"]);
  });

  it("pipeline failures are reported to the alarm topic", () => {
    const rule = props(mon.Resources.PipelineFailureNotifications!);
    expect(String(r.render(rule.Resource, mon))).toMatch(new RegExp(`^arn:aws:codepipeline:[a-z0-9-]+:\\d+:photoreel-${ENV}$`));
    expect(rule.EventTypeIds).toEqual(expect.arrayContaining(["codepipeline-pipeline-pipeline-execution-failed"]));
    expect(rule.Targets).toEqual([{ TargetType: "SNS", TargetAddress: { Ref: "AlarmTopic" } }]);
  });

  it("the thumbnailer's failed events go to an on-failure queue that an alarm watches", () => {
    const cfg = props(media.Resources.ThumbnailerAsyncConfig!);
    expect(cfg.DestinationConfig.OnFailure.Destination).toEqual({ "Fn::GetAtt": ["ThumbnailerFailureQueue", "Arn"] });
    const watched = alarms.find(([id]) => id === "ThumbnailerFailedEvents")!;
    expect(r.render(props(watched[1]).Dimensions[0].Value, mon)).toBe(`att(media.ThumbnailerFailureQueue.QueueName)`);
  });
});

describe("the edge and the data are protected", () => {
  it("WAF guards the ALB with the common and known-bad-inputs rule sets and a per-IP rate rule", () => {
    const acl = props(edge.Resources.WebAcl!);
    expect(acl.Scope).toBe("REGIONAL");
    const managed = acl.Rules.flatMap((x: { Statement: { ManagedRuleGroupStatement?: { Name: string } } }) => (x.Statement.ManagedRuleGroupStatement ? [x.Statement.ManagedRuleGroupStatement.Name] : []));
    expect(managed).toEqual(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]);
    const rate = acl.Rules.find((x: { Statement: { RateBasedStatement?: unknown } }) => x.Statement.RateBasedStatement);
    expect(rate).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: { Ref: "WafRateLimitPer5Minutes" }, AggregateKeyType: "IP" } } });
    expect(props(edge.Resources.WebAclAssociation!)).toEqual({ ResourceArn: { Ref: "LoadBalancer" }, WebACLArn: { "Fn::GetAtt": ["WebAcl", "Arn"] } });
  });

  it("the ALB logs to its own bucket and, on prod, refuses deletion", () => {
    const attrs = Object.fromEntries((props(edge.Resources.LoadBalancer!).LoadBalancerAttributes as { Key: string; Value: Json }[]).map((a) => [a.Key, a.Value]));
    expect(attrs["access_logs.s3.enabled"]).toBe("true");
    expect(attrs["access_logs.s3.bucket"]).toEqual({ Ref: "AccessLogBucket" });
    expect(attrs["deletion_protection.enabled"]).toEqual({ "Fn::If": ["Protect", "true", "false"] });
    const deploy = (props(pipeline.Resources.Pipeline!).Stages as { Actions: { Name: string; Configuration: Record<string, Json> }[] }[]).flatMap((s) => s.Actions);
    expect(String(r.render(deploy.find((a) => a.Name === "Edge")!.Configuration.ParameterOverrides!, pipeline))).toContain('"DeletionProtection":"true"');
  });

  it("the media bucket is versioned; multipart uploads abort after a day, old versions expire, large old objects move to Standard-IA", () => {
    const p = props(media.Resources.MediaBucket!);
    expect(p.VersioningConfiguration).toEqual({ Status: "Enabled" });
    const rules = p.LifecycleConfiguration.Rules as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(rules.find((x) => x.AbortIncompleteMultipartUpload)?.AbortIncompleteMultipartUpload).toEqual({ DaysAfterInitiation: 1 });
    expect(rules.find((x) => x.NoncurrentVersionExpiration)?.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: { Ref: "NoncurrentVersionDays" } });
    const ia = rules.find((x) => x.Transitions)!;
    expect(ia).toMatchObject({ Prefix: "users/", Transitions: [{ StorageClass: "STANDARD_IA", TransitionInDays: { Ref: "LargeObjectsInfrequentAccessDays" } }] });
    expect(Number(ia.ObjectSizeGreaterThan)).toBeGreaterThanOrEqual(128 * 1024); // thumbnails stay in Standard
  });

  it("every security group states its egress: no group keeps the default allow-all", () => {
    const groups = all.filter((x) => x.res.Type === "AWS::EC2::SecurityGroup");
    expect(groups.length).toBeGreaterThanOrEqual(7);
    for (const { id, res } of groups) {
      const egress = (props(res).SecurityGroupEgress ?? []) as { IpProtocol: string; CidrIp?: string; FromPort?: number }[];
      expect(egress.length, `${id} has no explicit egress`).toBeGreaterThan(0);
      expect(egress.filter((e) => e.IpProtocol === "-1" && e.CidrIp === "0.0.0.0/0"), id).toEqual([]);
      for (const e of egress.filter((x) => x.CidrIp === "0.0.0.0/0")) expect([e.IpProtocol, e.FromPort], id).toEqual(["tcp", 443]);
    }
    const standalone = all.filter((x) => x.res.Type === "AWS::EC2::SecurityGroupEgress").map(({ res }) => [r.render(props(res).GroupId, network), props(res).FromPort, r.render(props(res).DestinationSecurityGroupId, network)]);
    expect(standalone).toEqual(expect.arrayContaining([
      ["ref(network.AlbSecurityGroup)", 8080, "ref(network.ApiSecurityGroup)"],
      ["ref(network.ApiSecurityGroup)", 5432, "ref(network.DatabaseSecurityGroup)"],
    ]));
    expect(standalone.filter(([g]) => g === "ref(network.WorkerSecurityGroup)")).toEqual([]); // the worker has no database
  });

  it("the VPC records flow logs to a log group with a retention", () => {
    expect(props(network.Resources.FlowLog!)).toMatchObject({ ResourceType: "VPC", ResourceId: { Ref: "Vpc" }, LogDestinationType: "cloud-watch-logs" });
    expect(props(network.Resources.FlowLogGroup!).RetentionInDays).toEqual({ Ref: "FlowLogRetentionDays" });
  });

  it("s3:ListBucket is granted only for keys under users/", () => {
    const statements = all
      .filter((x) => x.res.Type === "AWS::IAM::Role")
      .flatMap(({ res }) => ((props(res).Policies ?? []) as { PolicyDocument: { Statement: Record<string, any>[] } }[]).flatMap((p) => p.PolicyDocument.Statement)) // eslint-disable-line @typescript-eslint/no-explicit-any
      .filter((s) => [s.Action].flat().includes("s3:ListBucket"));
    expect(statements.length).toBeGreaterThanOrEqual(2);
    for (const s of statements) expect(s.Condition, s.Sid).toEqual({ StringLike: { "s3:prefix": ["users/*"] } });
  });
});

describe("changes are controlled", () => {
  const stages = props(pipeline.Resources.Pipeline!).Stages as { Name: string; Actions: { Name: string; RunOrder?: number; ActionTypeId: { Category: string; Provider: string }; Configuration: Record<string, Json> }[] }[];
  const actions = stages.flatMap((s) => s.Actions.map((a) => ({ ...a, stage: s.Name })));

  it.each(["Network", "Data", "Media", "App", "Pipeline"])("%s deploys through a change set, a review and an approval", (name) => {
    const by = (n: string) => actions.find((a) => a.Name === n)!;
    expect(by(`${name}ChangeSet`).Configuration.ActionMode).toBe("CHANGE_SET_REPLACE");
    expect(by(`${name}Review`).ActionTypeId).toMatchObject({ Category: "Build", Provider: "CodeBuild" });
    expect(by(`${name}Approval`).ActionTypeId).toMatchObject({ Category: "Approval", Provider: "Manual" });
    expect(by(name).Configuration.ActionMode).toBe("CHANGE_SET_EXECUTE");
    const order = [by(`${name}ChangeSet`).RunOrder!, by(`${name}Review`).RunOrder!, by(name).RunOrder!];
    expect(order).toEqual([order[0], order[0]! + 1, order[0]! + 2]);
    expect(by(`${name}Approval`).RunOrder).toBe(by(`${name}Review`).RunOrder);
    expect(String(r.render(by(`${name}Review`).Configuration.EnvironmentVariables!, pipeline))).toContain(`"APPROVAL_ACTION","value":"${name}Approval"`);
  });

  it("stacks without IAM roles or data flow straight through", () => {
    for (const stack of ["auth", "edge", "config", "monitoring"]) {
      const t = find(templates, stack);
      expect(Object.values(t.Resources).some((res) => res.Type.startsWith("AWS::IAM::")), stack).toBe(false);
      const a = actions.find((x) => String(x.Configuration?.TemplatePath).endsWith(`/${stack}.yml`))!;
      expect(a.Configuration.ActionMode, stack).toBe("CREATE_UPDATE");
    }
  });

  it("the review asks for a person on IAM or data changes and approves the rest", () => {
    const change = (ResourceType: string, Action = "Modify", Replacement = "False") => ({ ResourceChange: { Action, ResourceType, LogicalResourceId: "X", Replacement } });
    expect(reasonsForApproval("photoreel-prod-app", [change("AWS::ECS::TaskDefinition", "Add"), change("AWS::ECS::Service")])).toEqual([]);
    expect(reasonsForApproval("photoreel-prod-app", [change("AWS::IAM::Role")])).toHaveLength(1);
    expect(reasonsForApproval("photoreel-prod-data", [change("AWS::SQS::Queue")])).toHaveLength(1);
    expect(reasonsForApproval("photoreel-prod-media", [change("AWS::S3::Bucket", "Modify", "True")])).toHaveLength(1);
    expect(reasonsForApproval("photoreel-prod-media", [change("AWS::Lambda::Function")])).toEqual([]);
    expect(reasonsForApproval("photoreel-prod-data", [])).toEqual([]);
  });

  it("the pipeline updates itself with its current parameters", () => {
    const update = stages.find((s) => s.Name === "UpdatePipeline")!;
    expect(stages.map((s) => s.Name)).toEqual(["Source", "Build", "UpdatePipeline", "Deploy"]);
    const cs = update.Actions.find((a) => a.Name === "PipelineChangeSet")!;
    expect(cs.Configuration).toMatchObject({ TemplatePath: "BuildOutput::cloudformation/pipeline.yml", TemplateConfiguration: "BuildOutput::cfn/pipeline.json" });
    expect(r.render(cs.Configuration.StackName!, pipeline)).toBe(`photoreel-${ENV}-pipeline`);
    expect(pipelineConfig([{ ParameterKey: "EnvName", ParameterValue: "prod" }, { ParameterKey: "AlarmEmail", ParameterValue: "ops@example.com" }])).toEqual({ Parameters: { EnvName: "prod", AlarmEmail: "ops@example.com" } });
    expect(readFileSync(join(REPO_ROOT, "buildspec.yml"), "utf8")).toContain("PIPELINE_PARAMETERS_JSON=");
  });

  it("the deploy role has no AdministratorAccess: a permissions boundary caps it, and the roles it creates carry the workload boundary", () => {
    const role = props(pipeline.Resources.DeployRole!);
    expect(JSON.stringify(role)).not.toContain("AdministratorAccess");
    expect(role.PermissionsBoundary).toEqual({ Ref: "DeployBoundary" });
    const boundary = props(pipeline.Resources.DeployBoundary!).PolicyDocument.Statement as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(boundary.some((s) => s.Effect === "Allow" && [s.Action].flat().some((a: string) => a === "*" || a.startsWith("iam:*") || a === "organizations:*"))).toBe(false);
    const create = boundary.find((s) => s.Sid === "CreateBoundedRoles")!;
    expect(r.render(create.Condition.StringEquals["iam:PermissionsBoundary"], pipeline)).toBe(`arn:aws:iam::${r.render({ Ref: "AWS::AccountId" }, pipeline)}:policy/photoreel-${ENV}-workload-boundary`);
    expect(boundary.find((s) => s.Sid === "NoSelfEscalation")?.Effect).toBe("Deny");
    const roles = all.filter((x) => x.res.Type === "AWS::IAM::Role" && x.t.stack !== "pipeline");
    expect(roles.length).toBeGreaterThanOrEqual(5);
    for (const { t, id, res } of roles) expect(r.render(props(res).PermissionsBoundary, t), `${t.stack}.${id}`).toBe(`arn:aws:iam::${r.render({ Ref: "AWS::AccountId" }, t)}:policy/photoreel-${ENV}-workload-boundary`);
  });
});
