// The main-thread side of the AudioWorklet master bus: `await createMasterBus(context, { chain })`
// compiles the wasm once (or takes your `WebAssembly.Module`), loads worklet.js into the
// context, and returns an AudioWorkletNode running the chain, with the stages' settings as
// properties (validated here, applied there without clicks: the core smooths parameter
// changes) and the live meter's readings as events.

import { init, isReady, kinds, _internal } from "./mixmaster.js";
import { RawChain } from "./mixmaster_wasm.js";

const { HANDLE, stageView, chainDescription } = _internal;
const PROCESSOR = "mixmaster-master-bus";

const compiled = new Map();
const loaded = new WeakMap();

/** The default URLs: the wasm file and the worklet module beside this file. */
export const defaultWasmUrl = () => new URL("./mixmaster_wasm_bg.wasm", import.meta.url);
export const defaultWorkletUrl = () => new URL("./worklet.js", import.meta.url);

/** Compiles the package's wasm (once per URL) on this thread: a `WebAssembly.Module`. */
export function compileModule(url = defaultWasmUrl()) {
  const key = String(url);
  if (!compiled.has(key)) {
    const p = (async () => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`cannot fetch ${key}: ${res.status} ${res.statusText}`);
      if (WebAssembly.compileStreaming && res.headers.get("Content-Type") === "application/wasm") {
        return WebAssembly.compileStreaming(res);
      }
      return WebAssembly.compile(await res.arrayBuffer());
    })();
    p.catch(() => compiled.delete(key));
    compiled.set(key, p);
  }
  return compiled.get(key);
}

function addWorklet(context, url) {
  let p = loaded.get(context);
  if (!p) {
    p = context.audioWorklet.addModule(url);
    p.catch(() => loaded.delete(context));
    loaded.set(context, p);
  }
  return p;
}

const OPTIONS = [
  "chain",
  "channels",
  "meter",
  "meterRateHz",
  "capacity",
  "module",
  "wasmUrl",
  "workletUrl",
  "onMeter",
  "waitReady",
];

/**
 * Creates the master bus: an AudioWorkletNode (one input, one output, `channels` wide) running
 * `chain` (processors, a Chain, or `{ kind, options }` descriptions) in wasm, with a live
 * loudness meter on its output. Options: `channels` (2), `meter` (true), `meterRateHz` (20),
 * `capacity` (frames per wasm call, 2048; longer render quanta are split), `module` (a compiled
 * WebAssembly.Module) or `wasmUrl`, `workletUrl`, `onMeter(reading)`, `waitReady` (wait for
 * the processor to start, if the context is running; default true for an AudioContext, false
 * for an OfflineAudioContext, whose processors start with the rendering).
 *
 * The node gains: `stages` (settable settings per stage), `set(stage, name, value)`,
 * `meter` (the latest reading), `onmeter` and "meter" events, `resetMeter()`, `reset()`,
 * `latencyFrames`, `stats()` (a Promise of the wasm memory size and allocation counters),
 * `ready` (a Promise), and `dispose()`.
 */
export async function createMasterBus(context, options = {}) {
  if (!context || !context.audioWorklet) {
    throw new TypeError("createMasterBus(context): pass an AudioContext or OfflineAudioContext");
  }
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError("createMasterBus(context, options): options must be an object");
  }
  for (const k of Object.keys(options)) {
    if (!OPTIONS.includes(k)) {
      throw new Error(`createMasterBus has no option \`${k}\` (it has: ${OPTIONS.join(", ")})`);
    }
  }
  const {
    chain = [],
    channels = 2,
    meter = true,
    meterRateHz = 20,
    capacity = 2048,
    onMeter,
    waitReady = typeof OfflineAudioContext === "undefined" || !(context instanceof OfflineAudioContext),
  } = options;
  if (!(meterRateHz >= 1 && meterRateHz <= 1000)) {
    throw new Error(`meterRateHz = ${meterRateHz}: from 1 to 1000 readings per second`);
  }
  const module =
    options.module instanceof WebAssembly.Module
      ? options.module
      : await compileModule(options.wasmUrl ?? defaultWasmUrl());
  if (!isReady()) await init(module);

  // The same chain on this thread validates every setting before it is sent (and gives the
  // latency); the worklet's copy is the one that runs.
  const stages = chainDescription(chain?.toJSON && !Array.isArray(chain) ? [chain] : chain);
  const mirror = new RawChain(stages);
  try {
    mirror.prepare(context.sampleRate, channels, capacity);
  } catch (e) {
    mirror.free();
    throw e;
  }
  try {
    await addWorklet(context, options.workletUrl ?? defaultWorkletUrl());
  } catch (e) {
    mirror.free();
    throw new Error(`cannot load the mixmaster worklet: ${e?.message ?? e}`);
  }
  const node = new AudioWorkletNode(context, PROCESSOR, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [channels],
    channelCount: channels,
    channelCountMode: "explicit",
    channelInterpretation: "speakers",
    processorOptions: { module, stages, channels, capacity, meter, meterRateHz },
  });
  decorate(node, mirror, onMeter);
  // A suspended context (no user gesture yet) may start its processors only when resumed.
  if (waitReady && context.state === "running") await node.ready;
  return node;
}

function decorate(node, mirror, onMeter) {
  let disposed = false;
  let requests = 0;
  const pending = new Map();
  let readyResolve;
  let readyReject;
  const ready = new Promise((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  ready.catch(() => {});
  const owner = {
    get freed() {
      return disposed;
    },
    [HANDLE]: mirror,
  };
  const kindsOf = [];
  const views = [];
  for (let i = 0; i < mirror.length; i++) {
    const kind = mirror.stageKind(i);
    kindsOf.push(kind);
    const handle = {
      stageOf: owner,
      index: i,
      kind,
      get: (name) => live().stageGet(i, name),
      set: (name, value) => send(i, name, value),
      settings: (camel) => live().stageSettings(i, camel),
    };
    views.push(stageView(owner, i, kind, handle));
  }
  Object.freeze(views);
  function live() {
    if (disposed) throw new Error("the master bus was disposed");
    return mirror;
  }
  function paramIndex(kind, name) {
    const d = _kindDesc(kind);
    return d ? d.params.findIndex((p) => p.name === name || p.key === name) : -1;
  }
  function send(i, name, value) {
    const m = live();
    m.stageSet(i, name, value); // throws a clear Error (and changes nothing) if invalid
    const index = paramIndex(kindsOf[i], name);
    if (index >= 0) {
      node.port.postMessage({ type: "param", stage: i, index, value: Number(m.stageGet(i, name)) });
    } else {
      node.port.postMessage({ type: "set", stage: i, name, value });
    }
  }
  node.port.onmessage = (e) => {
    const m = e.data;
    if (!m || typeof m !== "object") return;
    if (m.type === "ready") {
      readyResolve(node);
    } else if (m.type === "error") {
      const err = new Error(`mixmaster worklet: ${m.message}`);
      if (m.id !== undefined && pending.has(m.id)) {
        pending.get(m.id).reject(err);
        pending.delete(m.id);
      } else {
        readyReject(err);
        node.dispatchEvent(new ErrorEvent("error", { error: err, message: err.message }));
      }
    } else if (m.type === "meter") {
      const { type, ...reading } = m;
      node.meter = reading;
      if (onMeter) onMeter(reading);
      if (typeof node.onmeter === "function") node.onmeter(reading);
      node.dispatchEvent(new CustomEvent("meter", { detail: reading }));
    } else if (m.type === "stats" && pending.has(m.id)) {
      const { type, id, ...stats } = m;
      pending.get(id).resolve(stats);
      pending.delete(id);
    }
  };
  node.addEventListener("processorerror", (e) => {
    readyReject(new Error(`mixmaster worklet failed: ${e?.message ?? "processor error"}`));
  });
  Object.defineProperties(node, {
    ready: { value: ready },
    stages: {
      get() {
        live();
        return views;
      },
    },
    latencyFrames: { get: () => live().latencyFrames },
  });
  node.meter = null;
  node.onmeter = null;
  node.set = (stage, name, value) => {
    if (!Number.isInteger(stage) || stage < 0 || stage >= views.length) {
      throw new Error(`no stage ${stage}: the chain has ${views.length}`);
    }
    send(stage, name, value);
  };
  node.reset = () => node.port.postMessage({ type: "reset" });
  node.resetMeter = () => node.port.postMessage({ type: "resetMeter" });
  node.stats = () =>
    new Promise((resolve, reject) => {
      const id = ++requests;
      pending.set(id, { resolve, reject });
      node.port.postMessage({ type: "stats", id });
    });
  node.dispose = () => {
    if (disposed) return;
    disposed = true;
    try {
      node.disconnect();
    } catch {
      // not connected
    }
    node.port.postMessage({ type: "free" });
    mirror.free();
  };
}

function _kindDesc(kind) {
  return kinds().find((d) => d.kind === kind);
}
