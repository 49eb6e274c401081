export { bootstrap, runMain, type BootstrapOptions, type Bootstrapped } from "./bootstrap";
export { createLogger, type Logger } from "./logger";
export { consumerSpan, initTelemetry, photoSpan, type Telemetry } from "./telemetry";
