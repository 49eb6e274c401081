export { appRouter, createCaller, type AppRouter } from "./root";
export { createInnerContext, memorySession, resolveUser, type Context, type SessionStore, type Logger } from "./context";
export { unavailableError } from "./trpc";
