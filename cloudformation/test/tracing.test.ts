import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { find, loadTemplates, Renderer, REPO_ROOT, type Json } from "./lib/cfn";

/** Traces on AWS: the ADOT collector beside each app (a sidecar in the tasks, a layer on the Lambda), to X-Ray. */
const templates = loadTemplates();
const r = new Renderer(templates);
const app = find(templates, "app");
const media = find(templates, "media");

type Container = Record<string, Json> & { Name: string };
const containers = (taskDef: string) => app.Resources[taskDef]!.Properties!.ContainerDefinitions as Container[];
const envOf = (c: Container) => Object.fromEntries((c.Environment as { Name: string; Value: Json }[]).map((e) => [e.Name, String(r.render(e.Value, app))]));

interface CollectorConfig {
  receivers: { otlp: { protocols: { http: { endpoint: string } } } };
  exporters: { awsxray: { indexed_attributes: string[] } };
  service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
}

describe.each([
  ["api", "ApiTaskDefinition", "ApiLogGroup", "ApiCpu", "ApiMemory"],
  ["worker", "WorkerTaskDefinition", "WorkerLogGroup", "WorkerCpu", "WorkerMemory"],
])("%s task: the ADOT collector sidecar", (name, taskDef, logGroup, cpuParam, memParam) => {
  const all = containers(taskDef);
  const collector = all.find((c) => c.Name === "collector")!;
  const main = all.find((c) => c.Name === name)!;

  it("runs the pinned ADOT image, never a moving tag", () => {
    expect(collector.Image).toEqual({ Ref: "CollectorImage" });
    const image = app.Parameters.CollectorImage as unknown as { Default: string; AllowedPattern: string };
    expect(image.Default).toMatch(/^public\.ecr\.aws\/aws-observability\/aws-otel-collector:v\d+\.\d+\.\d+$/);
    expect(new RegExp(image.AllowedPattern).test(image.Default)).toBe(true);
    expect(new RegExp(image.AllowedPattern).test("public.ecr.aws/aws-observability/aws-otel-collector:latest")).toBe(false);
  });

  it("receives OTLP/HTTP on loopback only and sends traces to X-Ray, the ids users search by indexed", () => {
    const config = parse(envOf(collector).AOT_CONFIG_CONTENT!) as CollectorConfig;
    expect(config.receivers.otlp.protocols.http.endpoint).toBe("127.0.0.1:4318");
    expect(config.service.pipelines.traces).toMatchObject({ receivers: ["otlp"], exporters: ["awsxray"] });
    expect(config.exporters.awsxray.indexed_attributes).toEqual(expect.arrayContaining(["photoreel.video_id", "photoreel.photo_id"]));
    expect(envOf(main).OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://127.0.0.1:4318");
  });

  it("starts before the app, which depends on it; losing it does not stop the task", () => {
    expect(main.DependsOn).toContainEqual({ ContainerName: "collector", Condition: "START" });
    expect(main.Essential).toBe(true);
    expect(collector.Essential).toBe(false);
  });

  it("has CPU and memory reserved within the task size, and a hard cap", () => {
    const taskCpu = Number((app.Parameters[cpuParam] as unknown as { Default: number }).Default);
    const taskMem = Number((app.Parameters[memParam] as unknown as { Default: number }).Default);
    expect(collector).toMatchObject({ Cpu: 64, MemoryReservation: 64, Memory: 128 });
    // The smallest sizes the parameters allow still leave the app most of the task.
    const minCpu = Math.min(...((app.Parameters[cpuParam] as unknown as { AllowedValues?: number[] }).AllowedValues ?? [taskCpu]));
    expect(Number(collector.Cpu)).toBeLessThanOrEqual(minCpu / 4);
    expect(Number(collector.Memory)).toBeLessThanOrEqual(taskMem / 8);
    // Every container's limits fit in the task.
    const reserved = all.reduce((sum, c) => sum + Number(c.Memory ?? c.MemoryReservation ?? 0), 0);
    expect(reserved).toBeLessThanOrEqual(taskMem);
  });

  it("logs to the app's log group under its own stream prefix", () => {
    const options = (collector.LogConfiguration as { Options: Record<string, Json> }).Options;
    expect(options["awslogs-group"]).toEqual({ Ref: logGroup });
    expect(options["awslogs-stream-prefix"]).toBe("collector");
  });
});

describe("thumbnailer Lambda: the ADOT collector layer", () => {
  const fn = media.Resources.ThumbnailerFunction!.Properties!;
  const vars = (fn.Environment as { Variables: Record<string, Json> }).Variables;

  it("has the collector layer, pinned, for its architecture, and exports to it", () => {
    const layers = (fn.Layers as Json[]).map((l) => String(r.render(l, media)));
    expect(layers).toEqual([expect.stringMatching(/^arn:aws:lambda:us-east-1:901920570463:layer:aws-otel-collector-amd64-ver-\d+-\d+-\d+:\d+$/)]);
    expect(fn.Architectures).toEqual(["x86_64"]);
    expect(vars.OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://localhost:4318");
  });

  it("configures the layer's collector: OTLP in, X-Ray out with the photo id indexed, no batching across a freeze", () => {
    expect(vars.OPENTELEMETRY_COLLECTOR_CONFIG_URI).toBe("env:COLLECTOR_CONFIG");
    const config = parse(String(vars.COLLECTOR_CONFIG)) as CollectorConfig & { processors?: unknown };
    expect(config.receivers.otlp.protocols.http.endpoint).toBe("localhost:4318");
    expect(config.service.pipelines.traces).toEqual({ receivers: ["otlp"], exporters: ["awsxray"] });
    expect(config.exporters.awsxray.indexed_attributes).toContain("photoreel.photo_id");
    expect(config.processors).toBeUndefined();
  });

  it("leaves Lambda's own active tracing off (one trace per photo, the OpenTelemetry one)", () => {
    expect(fn.TracingConfig).toEqual({ Mode: "PassThrough" });
  });
});

describe("dashboard: the worker's render stages", () => {
  const mon = find(templates, "monitoring");
  type Widget = { type: string; y: number; height: number; properties: { title?: string; metrics?: Json[][] } };
  const widgets = (JSON.parse(String(r.render(mon.Resources.Dashboard!.Properties!.DashboardBody!, mon))) as { widgets: Widget[] }).widgets;
  const stageNames = ["StageDownloadSeconds", "StagePrescaleSeconds", "StageDrawSeconds", "StageEncodeSeconds", "StageJoinSeconds", "StageUploadSeconds"];

  it("draws p50 and p90 of every stage metric the worker emits, for videos", () => {
    const widget = widgets.find((w) => w.properties.title?.startsWith("Render stages"))!;
    expect(widget).toBeDefined();
    const rows = widget.properties.metrics!;
    // Expand CloudWatch's "..." (repeat the previous row's name and dimensions) to read each line's metric.
    let last: Json[] = [];
    const lines = rows.map((row) => {
      const full = row[0] === "..." ? [...last.slice(0, 4), ...row.slice(1)] : row;
      last = full;
      return { metric: `${String(full[0])}/${String(full[1])}`, kind: full[3], stat: (full.at(-1) as { stat: string }).stat };
    });
    for (const name of stageNames) {
      for (const stat of ["p50", "p90"]) expect(lines, `${name} ${stat}`).toContainEqual({ metric: `Photoreel/${name}`, kind: "video", stat });
    }
  });

  it("the stage metric names are the worker's (apps/worker/src/metrics.ts)", () => {
    const src = readFileSync(join(REPO_ROOT, "apps/worker/src/metrics.ts"), "utf8");
    for (const name of stageNames) expect(src).toContain(`${name}: "Seconds"`);
  });

  it("has its own full-width row: no other widget overlaps it", () => {
    const stages = widgets.find((w) => w.properties.title?.startsWith("Render stages"))!;
    const overlapping = widgets.filter((w) => w !== stages && w.y < stages.y + stages.height && stages.y < w.y + w.height);
    expect(overlapping.map((w) => w.properties.title ?? w.type)).toEqual([]);
  });
});
