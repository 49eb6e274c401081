export { appRouter, createCaller, type AppRouter } from "./root";
export { createInnerContext, createRequestContext, memorySession, type Context, type SessionStore, type Logger } from "./context";
