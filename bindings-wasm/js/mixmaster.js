// mixmaster-wasm: the JavaScript API over the wasm module (hand-written; the per-kind named
// exports live in the generated index.js).
//
// Processors come from the core's registry: `kinds()` describes every kind, and one class per
// kind (and per variant, such as PeakFilter) is made from those descriptions, with a property
// per setting (camelCase). Nothing here knows a particular processor.

import initWasm, {
  initSync as initWasmSync,
  RawChain,
  RawMeter,
  RawProcessor,
  RawSession,
  allocationCount as rawAllocationCount,
  kinds as rawKinds,
  maxChannels as rawMaxChannels,
  measure as rawMeasure,
  memoryBytes as rawMemoryBytes,
  normalize as rawNormalize,
  normalizeAlbum as rawNormalizeAlbum,
  presets as rawPresets,
  version as rawVersion,
} from "./mixmaster_wasm.js";

const H = Symbol("mixmaster.handle");
const INFO = Symbol("mixmaster.info");

let ready = false;
let KINDS = [];
let wasmExports = null;
/** className -> class, for every registered kind and variant. */
const classes = new Map();
/** kind name (and aliases) -> base class. */
const byKind = new Map();
/** className -> pending class made by the generated index.js before init. */
const pending = new Map();

function deepFreeze(o) {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function finishInit(exports) {
  if (ready) return;
  wasmExports = exports;
  KINDS = deepFreeze(rawKinds());
  for (const d of KINDS) {
    installClass(d, null);
    for (const v of d.variants) installClass(d, v);
  }
  ready = true;
}

/**
 * Loads the wasm module (browsers: fetched next to this file, or pass a URL, a Response, the
 * bytes, or a compiled `WebAssembly.Module`). Node's entry (`import "mixmaster-wasm"` in Node)
 * is ready at import and needs no call. Calling it again does nothing.
 */
export async function init(input) {
  if (ready) return;
  const exports = await initWasm(input === undefined ? undefined : { module_or_path: input });
  finishInit(exports);
}

/** Like `init`, synchronously, from the bytes or a compiled `WebAssembly.Module`. */
export function initSync(input) {
  if (ready) return;
  if (input === undefined) {
    throw new TypeError("initSync(module): pass the wasm bytes or a compiled WebAssembly.Module");
  }
  finishInit(initWasmSync({ module: input }));
}

/** Whether `init` has finished. */
export function isReady() {
  return ready;
}

function need() {
  if (!ready) {
    throw new Error(
      "mixmaster-wasm is not initialized: `await init()` first (in Node the package initializes itself on import)",
    );
  }
}

/** The wasm module's exports (memory and raw functions), for the AudioWorklet helper. */
function wasmModuleExports() {
  need();
  return wasmExports;
}

/** The package version. */
export function version() {
  need();
  return rawVersion();
}

/** Every registered processor kind, as the registry describes it (frozen objects). */
export function kinds() {
  need();
  return KINDS;
}

/** The platform loudness presets: `{ spotify: { targetLufs, ceilingDbtp }, ... }`. */
export function presets() {
  need();
  return rawPresets();
}

/** The most channels a processor takes. */
export function maxChannels() {
  need();
  return rawMaxChannels();
}

/** Bytes of wasm memory now (it never shrinks). */
export function memoryBytes() {
  need();
  return rawMemoryBytes();
}

/** Allocations made by the wasm module so far (for checking the real-time path). */
export function allocationCount() {
  need();
  return rawAllocationCount();
}

// ---------------------------------------------------------------------------------------------
// Audio arguments
// ---------------------------------------------------------------------------------------------

function isAudioBuffer(x) {
  return (
    x != null &&
    typeof x === "object" &&
    typeof x.getChannelData === "function" &&
    typeof x.numberOfChannels === "number"
  );
}

/** `[channels, sampleRate]` from an AudioBuffer, or the arguments as given. */
function audioArgs(audio, sampleRate) {
  if (isAudioBuffer(audio)) {
    const ch = [];
    for (let c = 0; c < audio.numberOfChannels; c++) ch.push(audio.getChannelData(c));
    return [ch, sampleRate ?? audio.sampleRate];
  }
  return [audio, sampleRate];
}

function optionsObject(options, what) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${what} must be an object, not ${describe(options)}`);
  }
  return options;
}

function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `a ${v.constructor?.name ?? "object"}`;
  return `${typeof v} ${String(v)}`;
}

function rejectUnknown(options, allowed, what) {
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      throw new Error(`${what} has no option \`${k}\` (it has: ${allowed.join(", ")})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Processors
// ---------------------------------------------------------------------------------------------

function freedError(obj) {
  const name = obj?.constructor?.name ?? "object";
  return new Error(`${name} was freed (free() or a \`using\` declaration): create a new one`);
}

function handleOf(p) {
  const h = p[H];
  if (!h) throw freedError(p);
  return h;
}

/** The handle of a processor that processes on its own (not a chain stage view). */
function ownHandle(p) {
  const h = handleOf(p);
  if (h.stageOf) {
    throw new Error(
      `this ${p.constructor.name} is stage ${h.index} of a chain: process the chain (or build a separate processor)`,
    );
  }
  return h;
}

/** The handle that processing calls go to (a processor's own, or a chain's). */
const RUN = Symbol("run handle");

/**
 * What processors and chains share: preparing, processing (streaming or from fresh state),
 * reset, latency and tail. Each subclass says which handle runs (`[RUN]`).
 */
class Runner {
  /**
   * Prepares for `channels` at `sampleRate`, in blocks of at most `maxBlock` frames (default
   * 4096; longer audio is processed in pieces). Clears the state. Optional: `process` and
   * `render` prepare on first use from their sample rate and channel count.
   */
  prepare({ sampleRate, channels = 2, maxBlock } = {}) {
    this[RUN]().prepare(sampleRate, channels, maxBlock);
    return this;
  }

  /** What it is prepared for, or `null`. */
  get preparedFor() {
    const h = this[RUN]();
    const sr = h.sampleRate;
    return sr === undefined ? null : { sampleRate: sr, channels: h.channels };
  }

  /**
   * Processes audio in place, keeping the state (streaming): an array of `Float32Array`
   * channels (or one for mono, or an AudioBuffer). Returns the same audio.
   */
  process(audio, sampleRate) {
    const [ch, sr] = audioArgs(audio, sampleRate);
    this[RUN]().process(ch, sr);
    return audio;
  }

  /**
   * Processes a whole programme from fresh state into new arrays, aligned with the input and as
   * long (latency removed); `{ tail: true }` appends the effect's tail (at most 60 s).
   */
  render(audio, sampleRate, { tail = false } = {}) {
    const [ch, sr] = audioArgs(audio, sampleRate);
    return this[RUN]().render(ch, sr, Boolean(tail));
  }

  /** Clears the state (delay lines, envelopes, filter memories) without allocating. */
  reset() {
    this[RUN]().reset();
  }

  /** Frames by which the output lags the input (a chain: the sum over its stages). */
  get latencyFrames() {
    return this[RUN]().latencyFrames;
  }

  /** Frames of output that can follow the end of the input (a reverb's decay). */
  get tailFrames() {
    return this[RUN]().tailFrames;
  }
}

/**
 * Base class of every processor. Use the class of a kind (`new Compressor({ thresholdDb: -18 })`),
 * `processor("compressor", options)`, or `new Processor("compressor", options)`.
 */
export class Processor extends Runner {
  constructor(kindOrOptions, options) {
    super();
    need();
    const info = new.target[INFO];
    const kind = kindOrOptions;
    if (!info) {
      // Generic form: `new Processor(kind, options)` makes an instance of the kind's class.
      if (typeof kind !== "string") {
        throw new TypeError(
          `new Processor(kind, options): kind must be a processor kind such as "compressor", not ${describe(kind)}`,
        );
      }
      return processor(kind, options);
    }
    if (options !== undefined) {
      throw new TypeError(
        `${info.className} takes one options object, such as new ${info.className}({ ${exampleOf(info)} })`,
      );
    }
    const opts = withFixed(info, kindOrOptions);
    this[H] = new RawProcessor(info.kind, opts);
    if (new.target === classes.get(info.className)) Object.preventExtensions(this);
  }

  /** The registry kind ("compressor"); also the class's static `kind`. */
  get processorKind() {
    return this.constructor[INFO]?.kind ?? handleOf(this).kind;
  }

  /** One setting's value by name (camelCase or the registry's snake_case). */
  get(name) {
    return handleOf(this).get(String(name));
  }

  /**
   * Sets one setting by name. Parameters change smoothly and keep the state; other settings
   * (choices, sizes, bands) rebuild the processor with fresh state. Invalid values throw an
   * Error naming the setting and its range, and change nothing.
   */
  set(name, value) {
    const info = this.constructor[INFO];
    const n = String(name);
    if (info && info.fixed && (n in info.fixed || camelOf(n) in info.fixed)) {
      const key = n in info.fixed ? n : camelOf(n);
      throw new Error(
        `${info.className} fixes \`${key}\` = ${JSON.stringify(info.fixed[key])}: use ${info.baseClassName} to choose it`,
      );
    }
    handleOf(this).set(n, value);
  }

  /** Every setting's current value (camelCase keys; a variant's fixed settings left out). */
  settings() {
    const s = handleOf(this).settings(true);
    const fixed = this.constructor[INFO]?.fixed;
    if (fixed) for (const k of Object.keys(fixed)) delete s[k];
    return s;
  }

  /**
   * Loads audio data for an option of type "audio" (a convolution reverb's `ir`): an array of
   * `Float32Array` channels (or one for mono) recorded at `sampleRate`; `label` is what the
   * setting reads back (default "array"). Copies the data; a prepared processor prepares
   * again. Errors name the problem (channel count, rate, non-finite samples).
   */
  loadAudio(name, audio, sampleRate, label) {
    const [ch] = audioArgs(audio, sampleRate);
    handleOf(this).loadAudio(String(name), ch, Number(sampleRate), label === undefined ? undefined : String(label));
    return this;
  }

  /** `{ kind, options }`: what `Chain`, `createMasterBus` and session inserts take. */
  toJSON() {
    return { kind: this.processorKind, options: handleOf(this).settings(true) };
  }

  [RUN]() {
    return ownHandle(this);
  }

  /** Whether `free()` was called. */
  get freed() {
    return !this[H] || (this[H].stageOf && this[H].stageOf.freed);
  }

  /** Releases the wasm memory now (otherwise when garbage collected). Later use throws. */
  free() {
    const h = this[H];
    if (!h) return;
    if (h.stageOf) throw new Error("a chain stage is freed with its chain");
    this[H] = null;
    h.free();
  }

  toString() {
    if (!this[H]) return `${this.constructor.name} (freed)`;
    return `${this.constructor.name}(${JSON.stringify(this.settings())})`;
  }
}

if (typeof Symbol.dispose === "symbol") {
  Processor.prototype[Symbol.dispose] = function () {
    if (!this[H]?.stageOf) this.free();
  };
}

function camelOf(snake) {
  return snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function exampleOf(info) {
  const d = descOf(info.kind);
  const p = d?.params[0] ?? d?.options[0];
  return p ? `${p.name}: ${JSON.stringify(p.default)}` : "";
}

function descOf(kind) {
  return KINDS.find((d) => d.kind === kind || d.aliases.includes(kind));
}

function withFixed(info, options) {
  const opts = optionsObject(options, `${info.className} options`);
  if (!info.fixed) return opts;
  for (const k of Object.keys(opts)) {
    const key = k in info.fixed ? k : camelOf(k);
    if (key in info.fixed) {
      throw new Error(
        `${info.className} fixes \`${key}\` = ${JSON.stringify(info.fixed[key])}: use ${info.baseClassName} to choose it`,
      );
    }
  }
  return { ...info.fixed, ...opts };
}

/**
 * The class for a kind (or variant). Called by the generated index.js at import, before the
 * wasm is loaded: the class exists at once; its setting properties are added by `init`.
 */
function processorClass(kind, className, fixed = null) {
  if (classes.has(className)) return classes.get(className);
  if (pending.has(className)) return pending.get(className);
  const cls = {
    [className]: class extends Processor {},
  }[className];
  cls[INFO] = { kind, className, fixed, baseClassName: className };
  Object.defineProperty(cls, "kind", { value: kind, enumerable: true });
  pending.set(className, cls);
  if (ready) {
    const d = descOf(kind);
    if (d) installClass(d, fixed ? d.variants.find((v) => v.className === className) : null);
  }
  return cls;
}

function installClass(desc, variant) {
  const className = variant ? variant.className : desc.className;
  let cls = pending.get(className) ?? classes.get(className);
  if (!cls) {
    cls = { [className]: class extends Processor {} }[className];
    Object.defineProperty(cls, "kind", { value: desc.kind, enumerable: true });
  }
  const fixed = variant ? { ...variant.fixed } : null;
  cls[INFO] = { kind: desc.kind, className, fixed, baseClassName: desc.className };
  Object.defineProperty(cls, "description", { value: desc, configurable: true });
  Object.defineProperty(cls, "summary", { value: variant ? variant.summary : desc.summary, configurable: true });
  const proto = cls.prototype;
  for (const s of [...desc.options, ...desc.params]) {
    Object.defineProperty(proto, s.name, {
      get() {
        return this.get(s.name);
      },
      set(v) {
        this.set(s.name, v);
      },
      enumerable: true,
      configurable: true,
    });
  }
  classes.set(className, cls);
  pending.delete(className);
  if (!variant) {
    byKind.set(desc.kind, cls);
    for (const a of desc.aliases) byKind.set(a, cls);
  }
}

/** Every processor class by class name (`processors.Compressor`), from the wasm's registry. */
export const processors = new Proxy(
  {},
  {
    get(_, name) {
      need();
      return classes.get(name);
    },
    has(_, name) {
      return ready && classes.has(name);
    },
    ownKeys() {
      need();
      return [...classes.keys()];
    },
    getOwnPropertyDescriptor(_, name) {
      if (!ready || !classes.has(name)) return undefined;
      return { value: classes.get(name), enumerable: true, configurable: true };
    },
  },
);

/** A processor by registry kind name (or alias): `processor("compressor", { ratio: 4 })`. */
export function processor(kind, options) {
  need();
  if (typeof kind !== "string") {
    throw new TypeError(`processor(kind, options): kind must be a string, not ${describe(kind)}`);
  }
  const cls = byKind.get(kind);
  if (!cls) {
    throw new Error(
      `unknown processor \`${kind}\` (known: ${KINDS.map((d) => d.kind).join(", ")})`,
    );
  }
  return new cls(options);
}

// ---------------------------------------------------------------------------------------------
// Chains
// ---------------------------------------------------------------------------------------------

/** The `{ kind, options }` list of a stage argument (a processor, a chain, or a description). */
function stageDescriptions(s, i) {
  if (s instanceof Processor) {
    const h = handleOf(s);
    return [{ kind: s.processorKind, options: h.settings(false) }];
  }
  if (s instanceof Chain) return s.toJSON();
  if (s && typeof s === "object" && typeof s.kind === "string") {
    const extra = Object.keys(s).filter((k) => k !== "kind" && k !== "options");
    if (extra.length) {
      throw new Error(
        `stage ${i}: a stage description is { kind, options }; \`${extra[0]}\` belongs inside options`,
      );
    }
    return [{ kind: s.kind, options: s.options ?? {} }];
  }
  throw new TypeError(
    `stage ${i} must be a processor (such as new Compressor()), a Chain, or { kind, options }, not ${describe(s)}`,
  );
}

/** `[{ kind, options }]` for an array of stages (processors, chains or descriptions). */
function chainDescription(stages) {
  if (!Array.isArray(stages)) {
    throw new TypeError(`a chain takes an array of processors, not ${describe(stages)}`);
  }
  return stages.flatMap((s, i) => stageDescriptions(s, i));
}

class StageHandle {
  constructor(owner, index, raw) {
    this.stageOf = owner;
    this.index = index;
    this.raw = raw;
  }
  live() {
    if (!this.stageOf[H]) throw freedError(this.stageOf);
    return this.raw();
  }
  get kind() {
    return this.live().stageKind(this.index);
  }
  get(name) {
    return this.live().stageGet(this.index, name);
  }
  set(name, value) {
    this.live().stageSet(this.index, name, value);
  }
  settings(camel) {
    return this.live().stageSettings(this.index, camel);
  }
}

/** A view of stage `index` of a raw chain, as an instance of the stage's kind class. */
function stageView(owner, index, kind, handle) {
  const cls = byKind.get(kind) ?? Processor;
  const v = Object.create(cls.prototype);
  v[H] = handle ?? new StageHandle(owner, index, () => owner[H]);
  return v;
}

/**
 * Processors in series: `new Chain([new Equalizer({...}), new Compressor({...}), new Limiter()])`.
 * The chain holds its own copies of the stages, built from their settings; `chain.stages[i]`
 * reads and sets the settings of the running stage.
 */
export class Chain extends Runner {
  constructor(stages = []) {
    super();
    need();
    const desc = chainDescription(stages);
    this[H] = new RawChain(desc);
    this._views = desc.map((d, i) => stageView(this, i, this[H].stageKind(i)));
    Object.freeze(this._views);
  }

  /** Number of stages. */
  get length() {
    return handleOf(this).length;
  }

  /** The stages, as processors whose settings are the chain's (settable). */
  get stages() {
    handleOf(this);
    return this._views;
  }

  /** `[{ kind, options }]`. */
  toJSON() {
    const h = handleOf(this);
    const out = [];
    for (let i = 0; i < h.length; i++) {
      out.push({ kind: h.stageKind(i), options: h.stageSettings(i, true) });
    }
    return out;
  }

  [RUN]() {
    return handleOf(this);
  }

  /** Whether `free()` was called. */
  get freed() {
    return !this[H];
  }

  /** Releases the wasm memory now. Later use (of the chain or its stages) throws. */
  free() {
    const h = this[H];
    if (!h) return;
    this[H] = null;
    h.free();
  }
}

if (typeof Symbol.dispose === "symbol") {
  Chain.prototype[Symbol.dispose] = function () {
    this.free();
  };
}

// ---------------------------------------------------------------------------------------------
// Loudness
// ---------------------------------------------------------------------------------------------

/**
 * Measures a programme (BS.1770-4 / EBU R128): integrated loudness, loudness range, true and
 * sample peaks, the maxima, and the momentary and short-term series every `hopS` (0.1 s).
 * `audio`: Float32Array channels or an AudioBuffer.
 */
function truePeakOption(v) {
  if (v === undefined || typeof v === "string") return v;
  throw new Error(`truePeak must be "standard" (BS.1770 4x) or "precise" (16x reconstruction), not ${typeof v}`);
}

export function measure(audio, sampleRate, options) {
  need();
  const [ch, sr] = audioArgs(audio, sampleRate);
  const o = optionsObject(options, "measure options");
  rejectUnknown(o, ["layout", "hopS", "truePeak"], "measure");
  return rawMeasure(ch, requireRate(sr, "measure"), o.layout, o.hopS, truePeakOption(o.truePeak));
}

function requireRate(sr, what) {
  if (typeof sr !== "number") {
    throw new TypeError(`${what}: sampleRate must be a number of Hz (such as 48000), not ${describe(sr)}`);
  }
  return sr;
}

/**
 * Normalizes a programme to a loudness target: `{ preset: "spotify" }` (the default), or
 * `{ targetLufs, ceilingDbtp }` (numbers override the preset's), limiting to the true-peak
 * ceiling where needed. Returns `{ channels, report }` with new arrays.
 */
export function normalize(audio, sampleRate, options) {
  need();
  const [ch, sr] = audioArgs(audio, sampleRate);
  return rawNormalize(ch, requireRate(sr, "normalize"), options ?? {});
}

/**
 * Normalizes an album with one common gain (relative loudness kept); each track is limited to
 * the ceiling. Returns `{ tracks, report }`.
 */
export function normalizeAlbum(tracks, sampleRate, options) {
  need();
  if (!Array.isArray(tracks)) {
    throw new TypeError(`normalizeAlbum: tracks must be an array, not ${describe(tracks)}`);
  }
  let sr = sampleRate;
  const list = tracks.map((t) => {
    const [ch, r] = audioArgs(t, undefined);
    sr ??= r;
    return ch;
  });
  return rawNormalizeAlbum(list, requireRate(sr, "normalizeAlbum"), options ?? {});
}

/**
 * A streaming loudness meter: `new LoudnessMeter({ sampleRate, channels, layout })`; `add()`
 * blocks of any size, read the values at any time.
 */
export class LoudnessMeter {
  constructor(options) {
    need();
    const o = optionsObject(options, "LoudnessMeter options");
    rejectUnknown(o, ["sampleRate", "channels", "layout", "truePeak"], "LoudnessMeter");
    this[H] = new RawMeter(requireRate(o.sampleRate, "LoudnessMeter"), o.channels ?? 2, o.layout);
    if (o.truePeak !== undefined) this[H].setTruePeakMode(truePeakOption(o.truePeak));
  }

  /** How true peak is read: "standard" (BS.1770 4x) or "precise" (16x reconstruction). */
  get truePeakMode() {
    return handleOf(this).truePeakMode;
  }

  /** Adds audio (Float32Array channels or an AudioBuffer). Returns the meter. */
  add(audio) {
    const [ch] = audioArgs(audio, undefined);
    handleOf(this).add(ch);
    return this;
  }

  /** Forgets everything measured. */
  reset() {
    handleOf(this).reset();
  }

  get channels() {
    return handleOf(this).channels;
  }
  get sampleRate() {
    return handleOf(this).sampleRate;
  }
  /** Momentary loudness (last 400 ms), LUFS. */
  get momentaryLufs() {
    return handleOf(this).momentaryLufs;
  }
  /** Short-term loudness (last 3 s), LUFS. */
  get shortTermLufs() {
    return handleOf(this).shortTermLufs;
  }
  /** Integrated (gated) loudness so far, LUFS. */
  get integratedLufs() {
    return handleOf(this).integratedLufs;
  }
  get maxMomentaryLufs() {
    return handleOf(this).maxMomentaryLufs;
  }
  get maxShortTermLufs() {
    return handleOf(this).maxShortTermLufs;
  }
  /** Loudness range, LU. */
  get loudnessRangeLu() {
    return handleOf(this).loudnessRangeLu;
  }
  /** Largest true peak, dBTP. */
  get truePeakDbtp() {
    return handleOf(this).truePeakDbtp;
  }
  get truePeakDbtpPerChannel() {
    return Array.from(handleOf(this).truePeakDbtpPerChannel);
  }
  get samplePeakDbfs() {
    return handleOf(this).samplePeakDbfs;
  }
  /** Frames measured. */
  get frames() {
    return handleOf(this).frames;
  }

  /** Every value at once. */
  reading() {
    const h = handleOf(this);
    return {
      momentaryLufs: h.momentaryLufs,
      shortTermLufs: h.shortTermLufs,
      integratedLufs: h.integratedLufs,
      maxMomentaryLufs: h.maxMomentaryLufs,
      maxShortTermLufs: h.maxShortTermLufs,
      loudnessRangeLu: h.loudnessRangeLu,
      truePeakDbtp: h.truePeakDbtp,
      samplePeakDbfs: h.samplePeakDbfs,
    };
  }

  get freed() {
    return !this[H];
  }

  /** Releases the wasm memory now. */
  free() {
    const h = this[H];
    if (!h) return;
    this[H] = null;
    h.free();
  }
}

if (typeof Symbol.dispose === "symbol") {
  LoudnessMeter.prototype[Symbol.dispose] = function () {
    this.free();
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions and the mixer
// ---------------------------------------------------------------------------------------------

/** One track's channels from a Float32Array, an array of them, or an AudioBuffer. */
function trackChannels(t) {
  return audioArgs(t, undefined);
}

/**
 * A session (tracks, buses, sends, automation, master chain, loudness target) in the
 * `mixmaster` command's TOML format (docs/session.md). `Session.fromToml(text)`, then
 * `render(tracks, sampleRate)` mixes exactly as the command renders the same file.
 */
export class Session {
  constructor(raw, tracks) {
    need();
    if (!(raw instanceof RawSession)) {
      throw new TypeError("use Session.fromToml(text) or Session.fromObject(object)");
    }
    this[H] = raw;
    /** The tracks' audio given at creation, rendered when `render()` gets none. */
    this.tracks = tracks;
  }

  /**
   * A session from TOML text (errors name the line and column); `tracks` (optional) is the
   * tracks' audio, as `render` takes it, used when `render()` is called without any.
   */
  static fromToml(text, tracks) {
    need();
    if (typeof text !== "string") {
      throw new TypeError(`Session.fromToml(text): text must be a string, not ${describe(text)}`);
    }
    return new Session(RawSession.fromToml(text), tracks);
  }

  /** A session from an object shaped like the TOML (`{ track: [{ name, insert: [...] }] }`). */
  static fromObject(obj, tracks) {
    need();
    return new Session(RawSession.fromObject(obj), tracks);
  }

  /** The session as TOML text. */
  toToml() {
    return handleOf(this).toToml();
  }

  /** The session as an object shaped like the TOML. */
  toObject() {
    return handleOf(this).toObject();
  }

  /** The tracks' names, in order. */
  get trackNames() {
    return handleOf(this).trackNames;
  }

  /** The session's own sample rate, or `undefined`. */
  get sampleRate() {
    return handleOf(this).sampleRate;
  }

  /**
   * Renders the mix: `tracks` in track order (an array) or by name (an object); each a
   * Float32Array (mono), an array of one or two, or an AudioBuffer. Returns `{ sampleRate,
   * channels: [left, right], mix, report }`: latency removed, effects' tails appended (at most
   * `maxTailS`), and, if the session names a loudness target and `master` is not false,
   * normalized to it as the command does (`mix` is the mix before that, `report` the
   * normalization report, else `null`). Tracks of different lengths are an error unless `pad`.
   */
  render(tracks = this.tracks, sampleRate, options) {
    const h = handleOf(this);
    const o = optionsObject(options, "render options");
    rejectUnknown(o, ["pad", "maxTailS", "master"], "Session.render");
    const names = h.trackNames;
    let list;
    if (Array.isArray(tracks)) {
      list = tracks;
    } else if (tracks && typeof tracks === "object") {
      const missing = names.filter((n) => !(n in tracks));
      const extra = Object.keys(tracks).filter((n) => !names.includes(n));
      if (missing.length || extra.length) {
        throw new Error(
          `the tracks given do not match the session: missing [${missing.join(", ")}], unknown [${extra.join(", ")}]`,
        );
      }
      list = names.map((n) => tracks[n]);
    } else if (tracks === undefined) {
      throw new TypeError(
        `render(tracks, sampleRate): give the tracks' audio (${names.join(", ")}), here or to Session.fromToml(text, tracks)`,
      );
    } else {
      throw new TypeError(
        `render(tracks, sampleRate): tracks must be an array or an object by track name, not ${describe(tracks)}`,
      );
    }
    let sr = sampleRate ?? h.sampleRate;
    const chans = list.map((t) => {
      const [ch, r] = trackChannels(t);
      sr ??= r;
      return ch;
    });
    if (sr === undefined) {
      throw new Error("render: give sampleRate (the session does not name one)");
    }
    return h.render(
      chans,
      requireRate(sr, "render"),
      Boolean(o.pad ?? false),
      o.maxTailS ?? 10,
      o.master ?? true,
    );
  }

  get freed() {
    return !this[H];
  }

  /** Releases the wasm memory now. */
  free() {
    const h = this[H];
    if (!h) return;
    this[H] = null;
    h.free();
  }
}

if (typeof Symbol.dispose === "symbol") {
  Session.prototype[Symbol.dispose] = function () {
    this.free();
  };
}

function snakeOf(name) {
  return String(name).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function insertOf(p, i) {
  const [d] = stageDescriptions(p, i);
  const opts = {};
  for (const [k, v] of Object.entries(d.options)) opts[snakeOf(k)] = snakeKeys(v);
  return { type: d.kind, ...opts };
}

function snakeKeys(v) {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[snakeOf(k)] = snakeKeys(x);
    return o;
  }
  return v;
}

/** An automated parameter path in camelCase or snake_case (`insert.0.thresholdDb`). */
function paramPath(p) {
  return String(p)
    .split(".")
    .map((s) => snakeOf(s))
    .join(".");
}

/**
 * A mixer built in code: tracks, buses, sends, mute/solo, automation and a master chain. It
 * is a session underneath (`mixer.session`, `mixer.toToml()`), so it renders exactly as the
 * command renders the same session file.
 */
export class Mixer {
  constructor({ sampleRate = 48000 } = {}) {
    need();
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
      throw new Error(`Mixer: sampleRate = ${sampleRate}: a whole, positive number of Hz`);
    }
    this.sampleRate = sampleRate;
    this._tracks = [];
    this._audio = [];
    this._buses = [];
    this._master = {};
  }

  _strip(name) {
    if (name === "master") return this._master;
    const s = [...this._tracks, ...this._buses].find((x) => x.name === name);
    if (!s) {
      throw new Error(
        `no track or bus named \`${name}\` (tracks: ${this._tracks.map((t) => t.name).join(", ") || "none"}; buses: ${this._buses.map((b) => b.name).join(", ") || "none"})`,
      );
    }
    return s;
  }

  _checkNew(name) {
    if (typeof name !== "string" || !name) throw new Error("a track or bus needs a non-empty name");
    if (name === "master" || [...this._tracks, ...this._buses].some((s) => s.name === name)) {
      throw new Error(`the name \`${name}\` is taken`);
    }
  }

  /** Adds a mono or stereo track (Float32Array, array of channels, or AudioBuffer). */
  addTrack(name, audio, options) {
    const o = optionsObject(options, "addTrack options");
    rejectUnknown(o, ["gainDb", "pan", "panLaw", "mute", "solo", "output", "inserts"], "addTrack");
    this._checkNew(name);
    const t = {
      name,
      gain_db: o.gainDb ?? 0,
      pan: o.pan ?? 0,
      mute: Boolean(o.mute),
      solo: Boolean(o.solo),
      insert: (o.inserts ?? []).map(insertOf),
    };
    if (o.panLaw !== undefined) t.pan_law = o.panLaw;
    if (o.output !== undefined) t.output = o.output;
    this._tracks.push(t);
    this._audio.push(audio);
    return this;
  }

  /** Adds a group or aux bus (it may feed a later bus or the master). */
  addBus(name, options) {
    const o = optionsObject(options, "addBus options");
    rejectUnknown(o, ["gainDb", "pan", "mute", "output", "inserts"], "addBus");
    this._checkNew(name);
    const b = {
      name,
      gain_db: o.gainDb ?? 0,
      pan: o.pan ?? 0,
      mute: Boolean(o.mute),
      insert: (o.inserts ?? []).map(insertOf),
    };
    if (o.output !== undefined) b.output = o.output;
    this._buses.push(b);
    return this;
  }

  /** Sends a track to a bus, post-fader unless `preFader`. */
  addSend(track, bus, { levelDb = 0, preFader = false } = {}) {
    const t = this._strip(track);
    if (!this._tracks.includes(t)) throw new Error(`\`${track}\` is not a track: only tracks have sends`);
    (t.send ??= []).push({ bus, level_db: levelDb, pre_fader: Boolean(preFader) });
    return this;
  }

  /** Appends an insert to a track, a bus or `"master"`. */
  addInsert(name, p) {
    const s = this._strip(name);
    (s.insert ??= []).push(insertOf(p, (s.insert ?? []).length));
    return this;
  }

  /** Sets the master fader and/or replaces the master chain, and/or its loudness target. */
  setMaster({ gainDb, inserts, normalize } = {}) {
    if (gainDb !== undefined) this._master.gain_db = gainDb;
    if (inserts !== undefined) this._master.insert = inserts.map(insertOf);
    if (normalize !== undefined) {
      const n = optionsObject(normalize, "normalize");
      rejectUnknown(n, ["preset", "targetLufs", "ceilingDbtp"], "the master's normalize");
      this._master.normalize = {};
      if (n.preset !== undefined) this._master.normalize.preset = n.preset;
      if (n.targetLufs !== undefined) this._master.normalize.target_lufs = n.targetLufs;
      if (n.ceilingDbtp !== undefined) this._master.normalize.ceiling_dbtp = n.ceilingDbtp;
    }
    return this;
  }

  /**
   * Automates `param` of a track, bus or "master": `gainDb`, `pan`, `send.BUS` or
   * `insert.N.PARAM`; `points` are `[timeS, value]` or `[timeS, value, "linear" |
   * "exponential" | "hold"]`.
   */
  automate(name, param, points) {
    (this._strip(name).automation ??= []).push({
      param: paramPath(param),
      points: points.map((p) => [...p]),
    });
    return this;
  }

  /** The session object this mixer describes (shaped like the TOML). */
  toObject() {
    const d = { sample_rate: this.sampleRate, track: this._tracks };
    if (this._buses.length) d.bus = this._buses;
    if (Object.keys(this._master).length) d.master = this._master;
    return d;
  }

  /** The session this mixer describes. */
  get session() {
    return Session.fromObject(this.toObject(), this._audio);
  }

  /** The mixer as a session file (the audio is not in it). */
  toToml() {
    const s = this.session;
    try {
      return s.toToml();
    } finally {
      s.free();
    }
  }

  /** Renders the mix (see Session.render). */
  render(options) {
    if (!this._tracks.length) throw new Error("the mixer has no tracks");
    const s = this.session;
    try {
      return s.render(this._audio, this.sampleRate, options);
    } finally {
      s.free();
    }
  }
}

/** For the package's own modules (the generated index.js, the AudioWorklet helper). */
export const _internal = Object.freeze({
  HANDLE: H,
  INFO,
  processorClass,
  stageView,
  chainDescription,
  wasmModuleExports,
});
