export * from "./video-spec";
export * from "./queue";
export * from "./photos";
export * from "./videos";
export * from "./auth";
export * from "./track-beats";
export * from "./web-pages";
