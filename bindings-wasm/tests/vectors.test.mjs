// The shared test vectors (tests/vectors/cases.json, made by the native Rust core): each case's
// chain, built from its stages' registry settings, prepared at its rate for `block` frames and
// run over the input in blocks of `block` frames, must give the expected output. The vectors
// were made natively with FMA; wasm rounds differently, so outputs are compared within 1e-4 of
// the output's peak. The largest difference of each case is reported (and written to
// test-artifacts/vector-diffs.txt).

import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { Chain, processor } from "../pkg/node.js";

const vectors = fileURLToPath(new URL("../../tests/vectors/", import.meta.url));
const artifacts = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const cases = JSON.parse(readFileSync(`${vectors}cases.json`, "utf8"));
const TOLERANCE = 1e-4;

/** Planar little-endian float32, channel after channel. */
function planar(file, channels, frames) {
  const bytes = readFileSync(`${vectors}${file}`);
  assert.equal(bytes.length, channels * frames * 4, `${file} size`);
  const out = [];
  for (let c = 0; c < channels; c++) {
    const x = new Float32Array(frames);
    const view = new DataView(bytes.buffer, bytes.byteOffset + c * frames * 4, frames * 4);
    for (let i = 0; i < frames; i++) x[i] = view.getFloat32(i * 4, true);
    out.push(x);
  }
  return out;
}

function runBlocks(p, audio, block) {
  const frames = audio[0].length;
  for (let pos = 0; pos < frames; pos += block) {
    p.process(audio.map((c) => c.subarray(pos, Math.min(pos + block, frames))));
  }
}

function compare(got, want) {
  let peak = 0;
  let maxDiff = 0;
  for (let c = 0; c < want.length; c++) {
    for (let i = 0; i < want[c].length; i++) {
      peak = Math.max(peak, Math.abs(want[c][i]));
      const d = Math.abs(got[c][i] - want[c][i]);
      if (!(d <= maxDiff)) maxDiff = d; // NaN counts as the largest
    }
  }
  return { peak, maxDiff, relative: maxDiff / Math.max(peak, 1e-12) };
}

const report = [];

test("the vectors are there", () => {
  assert.ok(cases.length >= 14, `${cases.length} cases`);
});

for (const k of cases) {
  test(`vector ${k.name}: ${k.stages.map((s) => s.kind).join(" -> ")}`, (t) => {
    const input = planar(k.input, k.channels, k.frames);
    const want = planar(k.output, k.channels, k.frames);
    const stages = k.stages.map((s) => ({ kind: s.kind, options: s.settings }));
    const chain = new Chain(stages);
    chain.prepare({ sampleRate: k.sample_rate, channels: k.channels, maxBlock: k.block });
    const audio = input.map((c) => c.slice());
    runBlocks(chain, audio, k.block);
    const r = compare(audio, want);
    const line = `${k.name}: max |diff| ${r.maxDiff.toExponential(3)} (peak ${r.peak.toFixed(4)}, relative ${r.relative.toExponential(3)})`;
    report.push(line);
    t.diagnostic(line);
    assert.ok(r.relative <= TOLERANCE, line);
    // One stage alone through the Processor class gives the same as the chain.
    if (k.stages.length === 1) {
      const p = processor(k.stages[0].kind, k.stages[0].settings);
      p.prepare({ sampleRate: k.sample_rate, channels: k.channels, maxBlock: k.block });
      const single = input.map((c) => c.slice());
      runBlocks(p, single, k.block);
      assert.deepEqual(single, audio, "Processor and Chain agree bit for bit");
      p.free();
    }
    chain.free();
  });
}

test("write the differences report", () => {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(`${artifacts}vector-diffs.txt`, `${report.join("\n")}\n`);
  assert.equal(report.length, cases.length);
});
