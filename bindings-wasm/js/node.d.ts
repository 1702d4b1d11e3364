// Types of the Node entry: the same API as index.d.ts (ready at import).
export * from "./index.js";
