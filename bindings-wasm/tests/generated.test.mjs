// The generated files are current with the registry (js/index.js, js/index.d.ts), and the
// package's TypeScript types compile and type-check a usage sample (and reject misuse).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { kinds, version } from "../pkg/node.js";
import { generate } from "../scripts/generate.mjs";

const js = (name) => fileURLToPath(new URL(`../js/${name}`, import.meta.url));

test("js/index.js and js/index.d.ts are current with the core's registry", () => {
  const files = generate(kinds());
  for (const [name, text] of Object.entries(files)) {
    assert.equal(
      readFileSync(js(name), "utf8"),
      text,
      `bindings-wasm/js/${name} is out of date: run \`node bindings-wasm/scripts/generate.mjs\``,
    );
  }
});

test("the package's version is the crate's", () => {
  const pkg = JSON.parse(readFileSync(js("package.json"), "utf8"));
  assert.equal(pkg.version, version(), "bindings-wasm/js/package.json version");
  assert.equal(pkg.name, "mixmaster-wasm");
  assert.equal(pkg.type, "module");
});

const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
const project = fileURLToPath(new URL("./types/tsconfig.json", import.meta.url));

test("the TypeScript types check a usage sample", () => {
  try {
    execFileSync(process.execPath, [tsc, "-p", project], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc: ${e.stdout}${e.stderr}`);
  }
});

test("the TypeScript types reject misuse", () => {
  const bad = fileURLToPath(new URL("./types/tsconfig.misuse.json", import.meta.url));
  let out = "";
  try {
    execFileSync(process.execPath, [tsc, "-p", bad], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  const errors = out.split("\n").filter((l) => l.includes("error TS"));
  // One error per line marked `// error` in misuse.ts.
  const marked = readFileSync(new URL("./types/misuse.ts", import.meta.url), "utf8")
    .split("\n")
    .map((l, i) => [l, i + 1])
    .filter(([l]) => l.trimEnd().endsWith("// error"))
    .map(([, i]) => i);
  const lines = errors.map((l) => Number(/misuse\.ts\((\d+),/.exec(l)?.[1]));
  assert.deepEqual([...new Set(lines)].sort((a, b) => a - b), marked, out);
});
