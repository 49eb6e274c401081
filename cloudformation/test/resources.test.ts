import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV, find, loadTemplates, Renderer, REPO_ROOT, type Json, type Resource, type Template } from "./lib/cfn";

const templates = loadTemplates();
const r = new Renderer(templates);
const all = templates.flatMap((t) => Object.entries(t.Resources).map(([id, res]) => ({ t, id, res })));
const ofType = (type: string) => all.filter((x) => x.res.Type === type);
const props = (res: Resource) => res.Properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Ingress { IpProtocol: string; FromPort?: number; ToPort?: number; CidrIp?: string; CidrIpv6?: string; SourceSecurityGroupId?: Json }
function ingressRules(): { group: string; rule: Ingress }[] {
  const rules = ofType("AWS::EC2::SecurityGroup").flatMap(({ id, res }) =>
    ((props(res).SecurityGroupIngress ?? []) as Ingress[]).map((rule) => ({ group: id, rule })),
  );
  for (const { t, res } of ofType("AWS::EC2::SecurityGroupIngress")) {
    rules.push({ group: String(r.render(props(res).GroupId, t)), rule: props(res) as Ingress });
  }
  return rules;
}
const sourceOf = (rule: Ingress, t: Template) => (rule.SourceSecurityGroupId ? String(r.render(rule.SourceSecurityGroupId, t)) : null);

describe("nothing public that should not be", () => {
  const network = find(templates, "network");

  it("only the ALB security group is open to the internet, and only on 80 and 443", () => {
    const open = ingressRules().filter(({ rule }) => rule.CidrIp === "0.0.0.0/0" || rule.CidrIpv6 === "::/0" || rule.IpProtocol === "-1");
    expect(open.map((o) => o.group).every((g) => g === "AlbSecurityGroup")).toBe(true);
    expect(open.map((o) => [o.rule.FromPort, o.rule.ToPort]).sort()).toEqual([[443, 443], [80, 80]]);
    // No other CIDR-based ingress anywhere: everything inside is by security group.
    expect(ingressRules().filter(({ group, rule }) => group !== "AlbSecurityGroup" && (rule.CidrIp || rule.CidrIpv6))).toEqual([]);
  });

  it("api tasks accept 8080 from the ALB only; worker and Lambda accept nothing", () => {
    const rules = ingressRules();
    const api = rules.filter((x) => x.group === "ApiSecurityGroup");
    expect(api.map(({ rule }) => [rule.FromPort, rule.ToPort, sourceOf(rule, network)])).toEqual([[8080, 8080, "ref(network.AlbSecurityGroup)"]]);
    expect(rules.filter((x) => x.group === "WorkerSecurityGroup" || x.group === "ThumbnailerSecurityGroup")).toEqual([]);
  });

  it("the database accepts 5432 from the api, the thumbnailer and the secret rotation only (the worker has no database)", () => {
    const db = ingressRules().filter((x) => x.group === "DatabaseSecurityGroup");
    expect(db.every(({ rule }) => rule.FromPort === 5432 && rule.ToPort === 5432)).toBe(true);
    expect(db.map(({ rule }) => sourceOf(rule, network)).sort()).toEqual(
      ["ApiSecurityGroup", "RotationSecurityGroup", "ThumbnailerSecurityGroup"].map((g) => `ref(network.${g})`),
    );
  });

  it("every bucket blocks public access, is encrypted and refuses plain HTTP", () => {
    const buckets = ofType("AWS::S3::Bucket");
    expect(buckets.length).toBe(3);
    for (const { t, id, res } of buckets) {
      expect(props(res).PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      expect(props(res).BucketEncryption, id).toBeDefined();
      const policy = ofType("AWS::S3::BucketPolicy").find((p) => p.t === t && JSON.stringify(props(p.res).Bucket) === JSON.stringify({ Ref: id }));
      const deny = (props(policy!.res).PolicyDocument.Statement as Record<string, any>[]).find((s) => s.Effect === "Deny"); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(deny?.Condition, id).toEqual({ Bool: { "aws:SecureTransport": "false" } });
    }
  });

  it("the media bucket: CORS for the web origin only, aborted multipart uploads expire, notifications to the thumbnailer", () => {
    const media = find(templates, "media");
    const p = props(media.Resources.MediaBucket!);
    expect(p.CorsConfiguration.CorsRules[0].AllowedOrigins.map((o: Json) => r.render(o, media))).toEqual(["https://param(DomainName)"]);
    expect(p.CorsConfiguration.CorsRules[0].ExposedHeaders).toContain("ETag");
    expect(p.LifecycleConfiguration.Rules.some((x: any) => x.AbortIncompleteMultipartUpload?.DaysAfterInitiation >= 1)).toBe(true); // eslint-disable-line @typescript-eslint/no-explicit-any
    const n = p.NotificationConfiguration.LambdaConfigurations[0];
    expect(n.Event).toBe("s3:ObjectCreated:*");
    expect(n.Filter.S3Key.Rules).toEqual([{ Name: "prefix", Value: "users/" }, { Name: "suffix", Value: "/original" }]);
    // The permission is built from the bucket's name, not its ARN: no bucket <-> permission cycle.
    const perm = props(media.Resources.ThumbnailerInvokePermission!);
    expect(r.render(perm.SourceArn, media)).toBe(`arn:aws:s3:::${r.render(p.BucketName, media)}`);
    expect(media.Resources.MediaBucket!.DependsOn).toBe("ThumbnailerInvokePermission");
  });

  it("RDS: private, encrypted, RDS-managed password, automated backups", () => {
    const db = props(find(templates, "data").Resources.Database!);
    expect(db).toMatchObject({ PubliclyAccessible: false, StorageEncrypted: true, ManageMasterUserPassword: true, Engine: "postgres" });
    expect(db.MasterUserPassword).toBeUndefined();
    expect(Number(find(templates, "data").Parameters.DbBackupRetentionDays!.Default)).toBeGreaterThanOrEqual(1);
  });

  it("ECS tasks and the Lambda run in the private subnets without public IPs", () => {
    for (const { t, res } of ofType("AWS::ECS::Service")) {
      const vpc = props(res).NetworkConfiguration.AwsvpcConfiguration;
      expect(vpc.AssignPublicIp).toBe("DISABLED");
      expect(r.render(vpc.Subnets, t)).toEqual(r.importValue(`${ENV}-PrivateSubnetIds`).toString().split(","));
    }
    const media = find(templates, "media");
    expect(r.render(props(media.Resources.ThumbnailerFunction!).VpcConfig.SubnetIds, media)).toEqual(["ref(network.PrivateSubnetA)", "ref(network.PrivateSubnetB)"]);
  });

  it("the ALB serves 443 with a certificate and redirects 80 to 443", () => {
    const edge = find(templates, "edge");
    const https = props(edge.Resources.HttpsListener!);
    expect(https).toMatchObject({ Protocol: "HTTPS", Port: 443 });
    expect(https.Certificates).toHaveLength(1);
    const http = props(edge.Resources.HttpListener!);
    expect(http.DefaultActions[0]).toMatchObject({ Type: "redirect", RedirectConfig: { Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" } });
    expect(props(edge.Resources.ApiTargetGroup!)).toMatchObject({ Port: 8080, Protocol: "HTTP", HealthCheckPath: "/healthz", TargetType: "ip" });
  });
});

describe("the data design", () => {
  const data = find(templates, "data");
  it("render and preview queues dead-letter after 3 receives", () => {
    for (const q of ["RenderQueue", "PreviewQueue"]) {
      expect(props(data.Resources[q]!).RedrivePolicy).toEqual({ deadLetterTargetArn: { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] }, maxReceiveCount: 3 });
    }
  });
  it("DynamoDB: ownerId/videoId keys, byStatus GSI on status/updatedAt, point-in-time recovery", () => {
    const p = props(data.Resources.VideosTable!);
    expect(p.KeySchema).toEqual([{ AttributeName: "ownerId", KeyType: "HASH" }, { AttributeName: "videoId", KeyType: "RANGE" }]);
    expect(p.GlobalSecondaryIndexes[0]).toMatchObject({ IndexName: "byStatus", KeySchema: [{ AttributeName: "status", KeyType: "HASH" }, { AttributeName: "updatedAt", KeyType: "RANGE" }] });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });
  it("Cognito: e-mail sign-in, password policy, public client with password and refresh flows, admin group", () => {
    const auth = find(templates, "auth");
    const pool = props(auth.Resources.UserPool!);
    expect(pool.UsernameAttributes).toEqual(["email"]);
    expect(pool.Policies.PasswordPolicy).toMatchObject({ MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true });
    expect(props(auth.Resources.AppClient!)).toMatchObject({ GenerateSecret: false, ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
    expect(props(auth.Resources.AdminGroup!).GroupName).toBe("admin");
  });
  it("the worker scales on backlog per task between the min and max parameters", () => {
    const app = find(templates, "app");
    const metrics = props(app.Resources.WorkerBacklogScaling!).TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const names = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric.MetricName);
    expect(names).toEqual([
      "ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible",
      "ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible", "RunningTaskCount",
    ]);
    expect(metrics.filter((m) => m.ReturnData)).toHaveLength(1);
    expect(props(app.Resources.WorkerScalableTarget!)).toMatchObject({ MinCapacity: { Ref: "WorkerMinTasks" }, MaxCapacity: { Ref: "WorkerMaxTasks" } });
  });
  it("the worker's shutdown grace (SSM) and visibility step fit the container's StopTimeout and the queue timeout", () => {
    const config = find(templates, "config");
    const worker = (props(find(templates, "app").Resources.WorkerTaskDefinition!).ContainerDefinitions as Record<string, any>[]).find((c) => c.Name === "worker")!; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(Number(config.Parameters.WorkerShutdownGraceSeconds!.Default)).toBeLessThan(worker.StopTimeout);
    expect(Number((config.Parameters.WorkerShutdownGraceSeconds as { MaxValue?: number }).MaxValue)).toBeLessThan(worker.StopTimeout);
    expect(Number(config.Parameters.RenderVisibilityTimeout!.Default)).toBeLessThan(Number(data.Parameters.RenderVisibilityTimeout!.Default));
  });
  it("the worker emits the EMF namespace, metrics and dimension the dashboard and the failure alarm read", () => {
    const dir = join(REPO_ROOT, "apps/worker/src");
    const src = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".ts")).map((f) => readFileSync(join(dir, String(f)), "utf8")).join("\n");
    for (const s of ['"Photoreel"', "RenderSucceeded", "RenderFailed", "RenderDurationSeconds"]) expect(src, s).toContain(s);
    expect(src).toMatch(/["']?\bKind["']?\s*:/);
  });
  it("the dashboard body is valid JSON once substituted and shows the EMF metrics", () => {
    const mon = find(templates, "monitoring");
    const body = JSON.parse(String(r.render(props(mon.Resources.Dashboard!).DashboardBody, mon))) as { widgets: unknown[] };
    const text = JSON.stringify(body);
    for (const m of ["RenderSucceeded", "RenderFailed", "RenderDurationSeconds", "TargetResponseTime", "HTTPCode_Target_5XX_Count", "ApproximateAgeOfOldestMessage"]) {
      expect(text).toContain(m);
    }
    expect(text).toContain('"Photoreel"');
  });
});
