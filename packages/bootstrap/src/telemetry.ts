import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { Config } from "@photoreel/config";

export interface Telemetry {
  /** Whether spans leave the process (an endpoint is configured). */
  enabled: boolean;
  /** Sends the spans buffered so far (a Lambda, before its invocation returns and the container freezes). */
  flush(): Promise<void>;
  /** Sends the spans still buffered; call before the process exits. */
  shutdown(): Promise<void>;
}

let provider: NodeTracerProvider | null = null;

/**
 * OpenTelemetry for one app, once per process: with OTEL_EXPORTER_OTLP_ENDPOINT set, spans go over OTLP/HTTP to
 * it (on AWS the ADOT collector sidecar, which forwards to X-Ray); unset, the API stays a no-op and nothing is
 * exported. Registering sets the AsyncLocalStorage context (spans nest across awaits) and the W3C propagator the
 * queue adapter injects `traceparent` with.
 */
export function initTelemetry(app: string, config: Pick<Config, "OTEL_EXPORTER_OTLP_ENDPOINT">): Telemetry {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return { enabled: false, flush: async () => {}, shutdown: async () => {} };
  if (!provider) {
    const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, "")}/v1/traces` });
    provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ "service.name": `photoreel-${app}` }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
    });
    provider.register();
  }
  const p = provider;
  return {
    enabled: true,
    flush: () => p.forceFlush(),
    async shutdown() {
      await p.shutdown();
      trace.disable();
      if (provider === p) provider = null;
    },
  };
}

/**
 * Runs one unit of work a message or event hands an app (a render job, a photo) in a consumer span, a child of
 * `parent` when the sender's context came with it: the outcome on the span, a failure's message as its status.
 */
export function consumerSpan<T>(tracer: Tracer, name: string, attributes: Attributes, run: () => Promise<T>, parent: Context = ROOT_CONTEXT): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    try {
      const out = await run();
      span.setAttribute("photoreel.outcome", String(out));
      return out;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * The thumbnailer's span for one photo, the same on AWS (the Lambda's S3 event) and on the embedded stack (its
 * in-process stand-in). Its own trace: S3 events carry no trace context from the upload, so no parent and no link;
 * `photoreel.photo_id`, which the API's upload spans carry too, is what joins them in a search (X-Ray indexes it).
 */
export function photoSpan<T>(ids: { ownerId: string; photoId: string }, run: () => Promise<T>): Promise<T> {
  const attributes = { "photoreel.photo_id": ids.photoId, "photoreel.owner_id": ids.ownerId };
  return consumerSpan(trace.getTracer("photoreel/thumbnailer"), "thumbnail photo", attributes, run);
}
