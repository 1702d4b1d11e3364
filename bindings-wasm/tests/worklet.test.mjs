// The real-time path in Node: the wasm Kernel (buffers in wasm memory, no allocation and no
// memory growth per quantum, quanta of any size, the same output as the offline chain), and the
// package's worklet.js run under a stand-in AudioWorkletGlobalScope, including one without
// TextDecoder, TextEncoder, fetch and atob (as Chromium's). The real AudioWorklet is tested in
// headless Chromium (browser.test.mjs).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import * as mm from "../pkg/node.js";
import { Kernel } from "../pkg/mixmaster_wasm.js";
import { Utf8Decoder, Utf8Encoder } from "../pkg/text-codec.js";

const SR = 48000;
const wasmFile = fileURLToPath(new URL("../pkg/mixmaster_wasm_bg.wasm", import.meta.url));
const memory = () => mm._internal.wasmModuleExports().memory;

function signal(frames, seed = 1) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const out = [new Float32Array(frames), new Float32Array(frames)];
  for (let i = 0; i < frames; i++) {
    const t = i / SR;
    out[0][i] = 0.6 * Math.sin(2 * Math.PI * 110 * t) + 0.3 * Math.sin(2 * Math.PI * 11025 * t + 0.7) + 0.2 * rnd();
    out[1][i] = 0.6 * Math.sin(2 * Math.PI * 165 * t) + 0.3 * Math.sin(2 * Math.PI * 9000 * t) + 0.2 * rnd();
  }
  return out;
}

function masterStages() {
  return [
    { kind: "equalizer", options: { bands: [{ kind: "peaking", frequencyHz: 2500, q: 1.4, gainDb: 3 }] } },
    { kind: "compressor", options: { thresholdDb: -20, ratio: 3 } },
    { kind: "limiter", options: { ceilingDbtp: -1 } },
  ];
}

/** Runs `input` through a kernel in quanta of the given sizes (cycled), as the worklet does. */
function runKernel(kernel, input, sizes) {
  const out = input.map((c) => new Float32Array(c.length));
  let pos = 0;
  let k = 0;
  while (pos < input[0].length) {
    const n = Math.min(sizes[k++ % sizes.length], input[0].length - pos);
    for (let c = 0; c < 2; c++) {
      const v = new Float32Array(memory().buffer, kernel.channelPointer(c), n);
      v.set(input[c].subarray(pos, pos + n));
    }
    kernel.process(n);
    for (let c = 0; c < 2; c++) {
      out[c].set(new Float32Array(memory().buffer, kernel.channelPointer(c), n), pos);
    }
    pos += n;
  }
  return out;
}

test("the kernel gives the offline chain's output for quanta of any size", () => {
  const input = signal(SR);
  const chain = new mm.Chain(masterStages());
  chain.prepare({ sampleRate: SR, channels: 2, maxBlock: 2048 });
  const want = chain.process(input.map((c) => c.slice()));
  for (const sizes of [[128], [1, 127, 128, 2048, 77, 512], [2048]]) {
    const kernel = new Kernel(masterStages(), SR, 2, 2048, true);
    const got = runKernel(kernel, input, sizes);
    assert.deepEqual(got, want, `quanta ${sizes}`);
    kernel.free();
  }
});

test("10,000 quanta: no allocation, no wasm memory growth, live meter readings", () => {
  const kernel = new Kernel(masterStages(), SR, 2, 2048, true);
  const input = signal(128 * 50, 7);
  const views = [0, 1].map((c) => new Float32Array(memory().buffer, kernel.channelPointer(c), 128));
  const bytes = mm.memoryBytes();
  const allocs = mm.allocationCount();
  for (let q = 0; q < 10000; q++) {
    const at = (q % 50) * 128;
    views[0].set(input[0].subarray(at, at + 128));
    views[1].set(input[1].subarray(at, at + 128));
    kernel.process(128);
  }
  assert.equal(mm.allocationCount(), allocs, "allocations while processing");
  assert.equal(mm.memoryBytes(), bytes, "wasm memory size");
  assert.equal(views[0].buffer, memory().buffer, "the views stay valid");
  assert.ok(kernel.truePeakDbtp <= -1 + 1e-9, `${kernel.truePeakDbtp}`);
  assert.ok(Number.isFinite(kernel.integratedLufs));
  kernel.free();
});

test("the kernel's meter reads a -23 dBFS 1 kHz stereo sine as -23.0 LUFS", () => {
  const kernel = new Kernel([], SR, 2, 128, true);
  const amp = 10 ** (-23 / 20);
  const v = [0, 1].map((c) => new Float32Array(memory().buffer, kernel.channelPointer(c), 128));
  for (let q = 0; q < (5 * SR) / 128; q++) {
    for (let i = 0; i < 128; i++) v[0][i] = v[1][i] = amp * Math.sin((2 * Math.PI * 1000 * (q * 128 + i)) / SR);
    kernel.process(128);
  }
  assert.ok(Math.abs(kernel.integratedLufs + 23) < 0.1, `${kernel.integratedLufs}`);
  assert.ok(Math.abs(kernel.momentaryLufs + 23) < 0.1);
  assert.ok(Math.abs(kernel.shortTermLufs + 23) < 0.1);
  kernel.free();
});

test("kernel parameter changes and errors", () => {
  const kernel = new Kernel(masterStages(), SR, 2, 256, false);
  const limiter = mm.kinds().find((d) => d.kind === "limiter");
  const ceiling = limiter.params.findIndex((p) => p.name === "ceilingDbtp");
  kernel.setParam(2, ceiling, -3);
  kernel.set(1, "ratio", 4);
  kernel.set(1, "detector", "rms");
  assert.throws(() => kernel.setParam(3, 0, 1), /no stage 3: the chain has 3 \(indices 0 to 2\)/);
  assert.throws(() => kernel.setParam(2, 99, 1), /stage 2 \(limiter\) has no parameter 99/);
  assert.throws(() => kernel.setParam(2, ceiling, 5), /Limiter: parameter `ceilingDbtp` = 5 is out of range/);
  assert.throws(() => kernel.set(0, "nope", 1), /Equalizer has no setting `nope`/);
  assert.throws(() => kernel.channelPointer(2), /no channel 2/);
  assert.throws(() => new Kernel(masterStages(), SR, 2, 0, true), /`capacity` = 0/);
  assert.throws(() => new Kernel([{ kind: "limiter", options: { ceilingDbtp: 2 } }], SR, 2, 128, true), /stage 0 \(limiter\)/);
  kernel.process(256);
  kernel.free();
});

/** A stand-in AudioWorkletGlobalScope in this process; resolves to the registered class. */
async function fakeScope() {
  let registered = null;
  globalThis.sampleRate = SR;
  globalThis.AudioWorkletProcessor = class {
    constructor() {
      this.sent = [];
      this.port = { onmessage: null, postMessage: (m) => this.sent.push(m) };
    }
  };
  globalThis.registerProcessor = (name, cls) => {
    registered = { name, cls };
  };
  await import("../pkg/worklet.js");
  return registered;
}

test("worklet.js: registers the master bus, processes quanta, takes parameters, posts readings", async () => {
  const { name, cls } = await fakeScope();
  assert.equal(name, "mixmaster-master-bus");
  const module = new WebAssembly.Module(readFileSync(wasmFile));
  const p = new cls({ processorOptions: { module, stages: masterStages(), channels: 2, capacity: 128, meterRateHz: 20 } });
  assert.equal(p.sent[0].type, "ready");
  const input = signal(SR / 2, 3);
  const out = [new Float32Array(input[0].length), new Float32Array(input[0].length)];
  // Quanta of 256 frames, longer than the capacity: split inside.
  for (let pos = 0; pos < input[0].length; pos += 256) {
    const o = [out[0].subarray(pos, pos + 256), out[1].subarray(pos, pos + 256)];
    assert.equal(p.process([[input[0].subarray(pos, pos + 256), input[1].subarray(pos, pos + 256)]], [o]), true);
  }
  const chain = new mm.Chain(masterStages());
  chain.prepare({ sampleRate: SR, channels: 2, maxBlock: 128 });
  assert.deepEqual(out, chain.process(input.map((c) => c.slice())));
  const readings = p.sent.filter((m) => m.type === "meter");
  assert.ok(readings.length >= 9, `${readings.length} readings in 0.5 s`);
  const last = readings.at(-1);
  assert.equal(last.processAllocations, 0);
  assert.equal(last.memoryBytes, last.memoryBytesAtStart);
  // A mono input is spread over both channels; no input gives silence in, not an error.
  const mono = [new Float32Array(128), new Float32Array(128)];
  p.process([[input[0].subarray(0, 128)]], [mono]);
  p.process([[]], [mono]);
  // Messages: a parameter by index, a setting by name, a refused value, stats.
  p.port.onmessage({ data: { type: "param", stage: 2, index: 0, value: -2 } });
  p.port.onmessage({ data: { type: "set", stage: 1, name: "detector", value: "rms" } });
  p.port.onmessage({ data: { type: "param", stage: 2, index: 0, value: 9, id: 7 } });
  const err = p.sent.at(-1);
  assert.equal(err.type, "error");
  assert.equal(err.id, 7);
  assert.match(err.message, /parameter `ceilingDbtp` = 9 is out of range/);
  p.port.onmessage({ data: { type: "stats", id: 8 } });
  assert.equal(p.sent.at(-1).type, "stats");
  p.port.onmessage({ data: { type: "free" } });
  assert.equal(p.process([[]], [mono]), false, "a freed processor stops");
  // A chain that cannot be built is reported, not thrown into the audio thread.
  const bad = new cls({ processorOptions: { module, stages: [{ kind: "nope" }] } });
  assert.equal(bad.sent[0].type, "error");
  assert.match(bad.sent[0].message, /unknown processor `nope`/);
});

test("worklet.js loads in a scope without TextDecoder, TextEncoder, fetch and atob", () => {
  const worklet = new URL("../pkg/worklet.js", import.meta.url).href;
  const script = `
    delete globalThis.TextDecoder; delete globalThis.TextEncoder; delete globalThis.fetch; delete globalThis.atob;
    globalThis.sampleRate = 44100;
    let reg = null;
    globalThis.AudioWorkletProcessor = class { constructor() { this.sent = []; this.port = { postMessage: (m) => this.sent.push(m) }; } };
    globalThis.registerProcessor = (n, c) => { reg = c; };
    const { readFileSync } = await import("node:fs");
    await import(${JSON.stringify(worklet)});
    const module = new WebAssembly.Module(readFileSync(${JSON.stringify(wasmFile)}));
    const p = new reg({ processorOptions: { module, stages: [{ kind: "compressor", options: { thresholdDb: -30 } }, { kind: "limiter", options: {} }] } });
    const bad = new reg({ processorOptions: { module, stages: [{ kind: "limiter", options: { ceilingDbtp: 4 } }] } });
    const o = [new Float32Array(128), new Float32Array(128)];
    p.process([[new Float32Array(128).fill(0.5), new Float32Array(128).fill(0.5)]], [o]);
    console.log(JSON.stringify({ ready: p.sent[0], bad: bad.sent[0], out: o[0][127], codec: typeof TextDecoder }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
  assert.equal(out.ready.type, "ready");
  assert.equal(out.codec, "function", "the package's codec was installed");
  assert.equal(out.bad.type, "error");
  assert.match(out.bad.message, /stage 0 \(limiter\): Limiter: parameter `ceilingDbtp` = 4 is out of range/);
});

test("the worklet's text codec agrees with the platform's", () => {
  const samples = ["", "compressor", "threshold_db", "ü → ∞ 𝄞 😀", "a\u0000b", "\ud800 lone"];
  const enc = new Utf8Encoder();
  const dec = new Utf8Decoder();
  for (const s of samples) {
    assert.deepEqual(enc.encode(s), new TextEncoder().encode(s), JSON.stringify(s));
    assert.equal(dec.decode(new TextEncoder().encode(s)), new TextDecoder().decode(new TextEncoder().encode(s)));
    const dst = new Uint8Array(5);
    const mine = enc.encodeInto(s, dst);
    const theirs = new TextEncoder().encodeInto(s, new Uint8Array(5));
    assert.deepEqual(mine, theirs, `encodeInto ${JSON.stringify(s)}`);
  }
});
