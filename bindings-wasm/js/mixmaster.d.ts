// Types of mixmaster.js: the API that does not depend on the registry (the per-kind classes
// and their options are in the generated index.d.ts).

/** Planar audio: one Float32Array per channel, all of one length. */
export type Channels = Float32Array[];

/** What an AudioBuffer offers (a real AudioBuffer, or any object of that shape). */
export interface AudioBufferLike {
  readonly numberOfChannels: number;
  readonly sampleRate: number;
  getChannelData(channel: number): Float32Array;
}

/** Audio arguments: channels, one Float32Array (mono), or an AudioBuffer. */
export type Audio = Channels | Float32Array | AudioBufferLike;

/** What `init` loads the wasm from. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the wasm module (browsers: fetched next to the package's files, or from `input`: a
 * URL, a Response, the bytes or a compiled `WebAssembly.Module`). Node's entry is ready at
 * import. Calling it again does nothing.
 */
export declare function init(input?: InitInput | Promise<InitInput>): Promise<void>;
/** Like `init`, synchronously, from the bytes or a compiled `WebAssembly.Module`. */
export declare function initSync(input: BufferSource | WebAssembly.Module): void;
/** Whether `init` has finished. */
export declare function isReady(): boolean;
/** The package version. */
export declare function version(): string;
/** The most channels a processor takes. */
export declare function maxChannels(): number;
/** Bytes of wasm memory now (it never shrinks). */
export declare function memoryBytes(): number;
/** Allocations made by the wasm module so far. */
export declare function allocationCount(): number;

/** An automatable parameter, as the registry describes it. */
export interface ParamDescription {
  /** camelCase name (the JS property and option). */
  readonly name: string;
  /** The registry's snake_case name (session files). */
  readonly key: string;
  readonly index: number;
  readonly min: number;
  readonly max: number;
  readonly default: number;
  readonly unit: string;
  readonly doc: string;
  /** An on/off switch. */
  readonly toggle: boolean;
}

/** A construction-time setting, as the registry describes it. */
export interface OptionDescription {
  readonly name: string;
  readonly key: string;
  readonly doc: string;
  readonly type: "choice" | "switch" | "number" | "integer" | "list";
  readonly default: number | boolean | string | readonly never[];
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly unit?: string;
  /** The fields of each table of a list. */
  readonly fields?: readonly OptionDescription[];
}

/** A convenience form of a kind with some options fixed (PeakFilter). */
export interface VariantDescription {
  readonly name: string;
  readonly className: string;
  readonly summary: string;
  readonly fixed: Readonly<Record<string, string>>;
}

/** One registered processor kind. */
export interface KindDescription {
  readonly kind: string;
  readonly aliases: readonly string[];
  readonly className: string;
  readonly summary: string;
  readonly channels: string;
  readonly params: readonly ParamDescription[];
  readonly options: readonly OptionDescription[];
  readonly variants: readonly VariantDescription[];
}

/** Every registered processor kind, as the registry describes it. */
export declare function kinds(): readonly KindDescription[];

/** The platform loudness presets by name. */
export declare function presets(): Record<string, { targetLufs: number; ceilingDbtp: number }>;

/** A setting's value: a number, a bool, a choice, or a list of tables (equalizer bands). */
export type SettingValue = number | boolean | string | Array<Record<string, number | boolean | string>>;

export interface PrepareOptions {
  sampleRate: number;
  /** Default 2. */
  channels?: number;
  /** The largest block processed in one piece (default 4096; longer audio is cut). */
  maxBlock?: number;
}

export interface RenderOptions {
  /** Append the effect's tail (at most 60 s). */
  tail?: boolean;
}

/** What a processor or chain is prepared for. */
export interface Prepared {
  sampleRate: number;
  channels: number;
}

/** A stage of a chain: a processor, a chain, or a `{ kind, options }` description. */
export type StageLike = Processor | Chain | { kind: string; options?: Record<string, unknown> };

/**
 * Base class of every processor. Use the class of a kind (`new Compressor({ thresholdDb: -18 })`),
 * `processor(kind, options)`, or `new Processor(kind, options)`. Settings are properties
 * (camelCase); parameters change smoothly, other settings rebuild the processor. Invalid
 * values throw an Error naming the setting and its range.
 */
export declare class Processor {
  constructor(kind: string, options?: Record<string, unknown>);
  /** The registry kind ("compressor"). */
  readonly processorKind: string;
  /** One setting's value by name (camelCase or snake_case). */
  get(name: string): SettingValue;
  /** Sets one setting by name. */
  set(name: string, value: SettingValue): void;
  /** Every setting's current value. */
  settings(): Record<string, SettingValue>;
  /** `{ kind, options }`. */
  toJSON(): { kind: string; options: Record<string, SettingValue> };
  /** Loads audio data for an option of type "audio" (a convolution reverb's `ir`). */
  loadAudio(name: string, audio: Audio, sampleRate: number, label?: string): this;
  /** Prepares (clears the state); optional: processing prepares on first use. */
  prepare(options: PrepareOptions): this;
  readonly preparedFor: Prepared | null;
  /** Processes audio in place, keeping the state (streaming); returns the same audio. */
  process<A extends Audio>(audio: A, sampleRate?: number): A;
  /** Renders from fresh state into new arrays, latency removed. */
  render(audio: Audio, sampleRate?: number, options?: RenderOptions): Float32Array[];
  /** Clears the state. */
  reset(): void;
  readonly latencyFrames: number;
  readonly tailFrames: number;
  readonly freed: boolean;
  /** Releases the wasm memory now; later use throws. */
  free(): void;
  [Symbol.dispose](): void;
}

/** Processors in series; `stages[i]` reads and sets the running stage's settings. */
export declare class Chain {
  constructor(stages?: StageLike[]);
  readonly length: number;
  readonly stages: readonly Processor[];
  toJSON(): Array<{ kind: string; options: Record<string, SettingValue> }>;
  prepare(options: PrepareOptions): this;
  readonly preparedFor: Prepared | null;
  process<A extends Audio>(audio: A, sampleRate?: number): A;
  render(audio: Audio, sampleRate?: number, options?: RenderOptions): Float32Array[];
  reset(): void;
  readonly latencyFrames: number;
  readonly tailFrames: number;
  readonly freed: boolean;
  free(): void;
  [Symbol.dispose](): void;
}

/** Every processor class by class name, from the wasm's registry (including kinds newer than this file). */
export declare const processors: Readonly<Record<string, new (options?: Record<string, unknown>) => Processor>>;

/** A processor by registry kind name (or alias). */
export declare function processor(kind: string, options?: Record<string, unknown>): Processor;

/** A channel layout: by name, or one weight per channel (0 leaves a channel out). */
export type Layout = "mono" | "stereo" | "5.0" | "5.1" | "7.1" | number[];

/** What `measure` finds; `-Infinity` where there is nothing to measure. */
export interface Measurement {
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  truePeakDbtpPerChannel: number[];
  /** How true peak was read. */
  truePeakMode: TruePeakMode;
  samplePeakDbfs: number;
  maxMomentaryLufs: number;
  maxShortTermLufs: number;
  momentaryLufs: Float64Array;
  shortTermLufs: Float64Array;
  /** The time of each series value, seconds (the end of its hop). */
  timesS: Float64Array;
  hopS: number;
  durationS: number;
  nonFiniteSamples: number;
}

/**
 * How true peak is read: "standard" (BS.1770's 4x interpolation, as libebur128 and ffmpeg) or
 * "precise" (the 16x band-limited reconstruction a DAC or an encoder produces; about twice
 * the cost).
 */
export type TruePeakMode = "standard" | "precise";

/** Measures a programme (BS.1770-4 / EBU R128). */
export declare function measure(
  audio: Audio,
  sampleRate?: number,
  options?: { layout?: Layout; hopS?: number; truePeak?: TruePeakMode },
): Measurement;

/** Loudness and peaks of a programme. */
export interface Levels {
  integratedLufs: number;
  truePeakDbtp: number;
  /** How true peak was read (outputs of normalization: "precise"). */
  truePeakMode: TruePeakMode;
  loudnessRangeLu: number;
  samplePeakDbfs: number;
}

export type PresetName =
  | "spotify"
  | "apple-music"
  | "youtube"
  | "amazon-music"
  | "tidal"
  | "deezer"
  | "ebu-r128"
  | "atsc-a85";

export interface NormalizeOptions {
  /** A platform preset (default "spotify" when no numbers are given). */
  preset?: PresetName | string;
  /** Integrated loudness target, LUFS (overrides the preset's). */
  targetLufs?: number;
  /** True-peak ceiling, dBTP (overrides the preset's). */
  ceilingDbtp?: number;
  layout?: Layout;
}

export interface NormalizeReport {
  before: Levels;
  after: Levels;
  gainDb: number;
  limited: boolean;
  /** Within 0.1 LU of the target. */
  reached: boolean;
  /** The output's true peak, read on the 16x reconstruction, within 0.1 dB of the ceiling. */
  ceilingKept: boolean;
  targetLufs: number;
  ceilingDbtp: number;
}

/** Normalizes a programme to a loudness target; new arrays. */
export declare function normalize(
  audio: Audio,
  sampleRate?: number,
  options?: NormalizeOptions,
): { channels: Float32Array[]; report: NormalizeReport };

export interface AlbumReport {
  albumBefore: Levels;
  albumAfter: Levels;
  gainDb: number;
  tracks: Array<{ before: Levels; after: Levels; limited: boolean }>;
  reached: boolean;
  /** Every track's output within 0.1 dB of the ceiling on the 16x reconstruction. */
  ceilingKept: boolean;
  targetLufs: number;
  ceilingDbtp: number;
}

/** Normalizes an album with one common gain; new arrays. */
export declare function normalizeAlbum(
  tracks: Audio[],
  sampleRate?: number,
  options?: NormalizeOptions,
): { tracks: Float32Array[][]; report: AlbumReport };

/** Every value of a meter at once. */
export interface MeterReading {
  momentaryLufs: number;
  shortTermLufs: number;
  integratedLufs: number;
  maxMomentaryLufs: number;
  maxShortTermLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  samplePeakDbfs: number;
}

/** A streaming loudness meter. */
export declare class LoudnessMeter {
  constructor(options: {
    sampleRate: number;
    channels?: number;
    layout?: Layout;
    truePeak?: TruePeakMode;
  });
  add(audio: Audio): this;
  reset(): void;
  readonly truePeakMode: TruePeakMode;
  readonly channels: number;
  readonly sampleRate: number;
  readonly momentaryLufs: number;
  readonly shortTermLufs: number;
  readonly integratedLufs: number;
  readonly maxMomentaryLufs: number;
  readonly maxShortTermLufs: number;
  readonly loudnessRangeLu: number;
  readonly truePeakDbtp: number;
  readonly truePeakDbtpPerChannel: number[];
  readonly samplePeakDbfs: number;
  readonly frames: number;
  reading(): MeterReading;
  readonly freed: boolean;
  free(): void;
  [Symbol.dispose](): void;
}

/** A rendered mix. */
export interface RenderedMix {
  sampleRate: number;
  /** Left and right: the master (normalized if the session names a target). */
  channels: Float32Array[];
  /** The mix before normalization (the same arrays as `channels` when there is none). */
  mix: Float32Array[];
  /** The normalization report, or `null`. */
  report: NormalizeReport | null;
}

export interface SessionRenderOptions {
  /** Pad shorter tracks with silence instead of refusing tracks of different lengths. */
  pad?: boolean;
  /** The longest effects tail kept, seconds (default 10). */
  maxTailS?: number;
  /** Apply the session's loudness target, as the command does (default true). */
  master?: boolean;
}

/** A session in the `mixmaster` command's TOML format. */
export declare class Session {
  private constructor();
  /** `tracks`: the tracks' audio, rendered when `render()` is given none. */
  static fromToml(text: string, tracks?: Audio[] | Record<string, Audio>): Session;
  static fromObject(obj: Record<string, unknown>, tracks?: Audio[] | Record<string, Audio>): Session;
  /** The tracks' audio given at creation, if any. */
  tracks: Audio[] | Record<string, Audio> | undefined;
  toToml(): string;
  toObject(): Record<string, unknown>;
  readonly trackNames: string[];
  readonly sampleRate: number | undefined;
  render(
    tracks?: Audio[] | Record<string, Audio>,
    sampleRate?: number,
    options?: SessionRenderOptions,
  ): RenderedMix;
  readonly freed: boolean;
  free(): void;
  [Symbol.dispose](): void;
}

export interface StripOptions {
  gainDb?: number;
  pan?: number;
  mute?: boolean;
  output?: string;
  inserts?: StageLike[];
}

/** A mixer built in code; a session underneath, rendered as the command renders it. */
export declare class Mixer {
  constructor(options?: { sampleRate?: number });
  readonly sampleRate: number;
  addTrack(name: string, audio: Audio, options?: StripOptions & { panLaw?: string; solo?: boolean }): this;
  addBus(name: string, options?: StripOptions): this;
  addSend(track: string, bus: string, options?: { levelDb?: number; preFader?: boolean }): this;
  addInsert(name: string, processor: StageLike): this;
  setMaster(options: {
    gainDb?: number;
    inserts?: StageLike[];
    normalize?: { preset?: string; targetLufs?: number; ceilingDbtp?: number };
  }): this;
  automate(
    name: string,
    param: string,
    points: Array<[number, number] | [number, number, "linear" | "exponential" | "hold"]>,
  ): this;
  toObject(): Record<string, unknown>;
  readonly session: Session;
  toToml(): string;
  render(options?: SessionRenderOptions): RenderedMix;
}

/** For the package's own modules. */
export declare const _internal: unknown;
