export * from "./errors";
export * from "./ports";
export * from "./ids";
export * from "./model";
export * from "./services";
