// The package's Node entry: loads the wasm file beside this module synchronously, so the
// package is ready at import (no `await init()` needed), then exports the whole API.
import { readFileSync } from "node:fs";
import { initSync } from "./mixmaster.js";

initSync(readFileSync(new URL("./mixmaster_wasm_bg.wasm", import.meta.url)));

export * from "./index.js";
