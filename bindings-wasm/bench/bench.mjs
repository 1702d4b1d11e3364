// Times the master chain (a three-band EQ, a compressor, a true-peak limiter) in wasm, in Node,
// on the signal examples/native_bench.rs times natively (60 s of stereo at 48 kHz), and prints
// the ratio to the native figures when given them (or runs the native bench itself with
// --native). Times are CPU time (user + system), best of 7 runs, on both sides. Two wasm paths:
//
// - kernel: the AudioWorklet's path: buffers in wasm memory, 128-frame quanta copied in and out
//   through Float32Array views (the copies are JS's, as in the worklet);
// - offline: Chain.process on Float32Array channels in blocks of 4096 (the binding copies each
//   block into wasm memory and back).
//
//   bash bindings-wasm/build.sh && node bindings-wasm/bench/bench.mjs --native

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import * as mm from "../pkg/node.js";
import { Kernel } from "../pkg/mixmaster_wasm.js";

const RATE = 48000;
const SECONDS = 60;
const RUNS = 7;

/** CPU milliseconds of this process (user + system): other work on the machine counts less than in wall time. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function signal() {
  const n = RATE * SECONDS;
  let seed = 2024;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed / 4294967296) * 2 - 1;
  };
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const env = 0.6 + 0.4 * Math.sin(2 * Math.PI * 0.5 * t);
    const noise = 0.15 * rnd();
    l[i] = env * 0.7 * Math.sin(2 * Math.PI * 110 * t) + 0.2 * Math.sin(2 * Math.PI * 2500 * t) + noise;
    r[i] = env * 0.7 * Math.sin(2 * Math.PI * 165 * t) + 0.2 * Math.sin(2 * Math.PI * 3700 * t) + noise;
  }
  return [l, r];
}

const band = (kind, frequencyHz, q, gainDb) => ({ kind, frequencyHz, q, gainDb });
const STAGES = [
  {
    kind: "equalizer",
    options: {
      bands: [band("low_shelf", 120, 0.75, 2), band("peaking", 2500, 1.4, -2), band("high_shelf", 9000, 0.75, 1.5)],
    },
  },
  { kind: "compressor", options: { thresholdDb: -20, ratio: 3, attackMs: 10, releaseMs: 120 } },
  { kind: "limiter", options: { ceilingDbtp: -1 } },
];

function timeKernel(input) {
  const frames = input[0].length;
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const k = new Kernel(STAGES, RATE, 2, 128, false);
    const mem = mm._internal.wasmModuleExports().memory;
    const views = [0, 1].map((c) => new Float32Array(mem.buffer, k.channelPointer(c), 128));
    const out = [new Float32Array(frames), new Float32Array(frames)];
    const t0 = cpuMs();
    for (let pos = 0; pos + 128 <= frames; pos += 128) {
      views[0].set(input[0].subarray(pos, pos + 128));
      views[1].set(input[1].subarray(pos, pos + 128));
      k.process(128);
      out[0].set(views[0], pos);
      out[1].set(views[1], pos);
    }
    best = Math.min(best, cpuMs() - t0);
    k.free();
  }
  return (best / 1000 / frames) * 1e9;
}

function timeOffline(input, block, stages = STAGES) {
  const frames = input[0].length;
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const c = new mm.Chain(stages).prepare({ sampleRate: RATE, channels: 2, maxBlock: block });
    const audio = input.map((x) => x.slice());
    const t0 = cpuMs();
    for (let pos = 0; pos < frames; pos += block) {
      c.process(audio.map((x) => x.subarray(pos, pos + block)));
    }
    best = Math.min(best, cpuMs() - t0);
    c.free();
  }
  return (best / 1000 / frames) * 1e9;
}

function native() {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const out = execFileSync("cargo", ["run", "--quiet", "--release", "-p", "mixmaster-wasm", "--example", "native_bench"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.stdout.write(out);
  const figure = (block) => Number(new RegExp(`native block\\s+${block}:\\s+([\\d.]+) ns`).exec(out)?.[1]);
  const stage = (name) => Number(new RegExp(`native stage\\s+${name}, block 4096:\\s+([\\d.]+) ns`).exec(out)?.[1]);
  return { 128: figure(128), 4096: figure(4096), stages: STAGES.map((s) => stage(s.kind)) };
}

const input = signal();
const rt = (ns) => (1e9 / RATE / ns).toFixed(1);
const kernel = timeKernel(input);
const offline = timeOffline(input, 4096);
console.log(`wasm master chain in Node ${process.version}, ${SECONDS} s stereo at 48 kHz, best of ${RUNS}`);
console.log(`wasm kernel  128: ${kernel.toFixed(1).padStart(8)} ns/frame (${rt(kernel).padStart(6)}x real time)`);
console.log(`wasm offline 4096: ${offline.toFixed(1).padStart(7)} ns/frame (${rt(offline).padStart(6)}x real time)`);
const stages = STAGES.map((s) => timeOffline(input, 4096, [s]));
for (const [i, s] of STAGES.entries()) {
  console.log(`wasm stage ${s.kind.padStart(10)}, block 4096: ${stages[i].toFixed(1).padStart(8)} ns/frame`);
}
if (process.argv.includes("--native")) {
  const n = native();
  console.log(`ratio wasm/native, 128-frame quanta (kernel): ${(kernel / n[128]).toFixed(2)}`);
  console.log(`ratio wasm/native, 4096-frame blocks (offline API): ${(offline / n[4096]).toFixed(2)}`);
  for (const [i, s] of STAGES.entries()) {
    console.log(`ratio wasm/native, ${s.kind} alone: ${(stages[i] / n.stages[i]).toFixed(2)}`);
  }
}
