// Types of master-bus.js (needs the DOM's Web Audio types).
import type { Processor, StageLike } from "./mixmaster.js";

/** A live meter reading from the worklet (posted `meterRateHz` times a second). */
export interface MasterBusReading {
  momentaryLufs: number;
  shortTermLufs: number;
  integratedLufs: number;
  maxMomentaryLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  samplePeakDbfs: number;
  /** Audio time metered, seconds. */
  timeS: number;
  quanta: number;
  memoryBytes: number;
  memoryBytesAtStart: number;
  processAllocations: number;
}

/** The worklet's counters: render quanta, wasm memory now and at the start, allocations while processing. */
export interface MasterBusStats {
  quanta: number;
  memoryBytes: number;
  memoryBytesAtStart: number;
  processAllocations: number;
}

export interface MasterBusOptions {
  /** The stages: processors, a Chain, or `{ kind, options }` descriptions. */
  chain?: StageLike[] | StageLike;
  /** Default 2. */
  channels?: number;
  /** A live loudness meter on the output (default true). */
  meter?: boolean;
  /** Meter readings per second (default 20). */
  meterRateHz?: number;
  /** Frames per wasm call (default 2048; longer render quanta are split). */
  capacity?: number;
  /** The compiled wasm module (otherwise compiled from `wasmUrl`). */
  module?: WebAssembly.Module;
  wasmUrl?: string | URL;
  workletUrl?: string | URL;
  onMeter?: (reading: MasterBusReading) => void;
  /** Wait for the processor to start if the context is running (default: true for AudioContext, false for OfflineAudioContext). */
  waitReady?: boolean;
}

/** The master bus: an AudioWorkletNode with the chain's settings and the live meter. */
export interface MasterBusNode extends AudioWorkletNode {
  /** The stages; their setting properties are validated here and applied in the worklet. */
  readonly stages: readonly Processor[];
  /** Sets a setting of stage `stage`. */
  set(stage: number, name: string, value: number | boolean | string | object[]): void;
  /** The latest meter reading, or null. */
  meter: MasterBusReading | null;
  onmeter: ((reading: MasterBusReading) => void) | null;
  resetMeter(): void;
  /** Clears the chain's state. */
  reset(): void;
  readonly latencyFrames: number;
  stats(): Promise<MasterBusStats>;
  /** Resolves when the processor has started. */
  readonly ready: Promise<MasterBusNode>;
  /** Disconnects and frees the worklet's kernel. */
  dispose(): void;
}

/** Creates the master bus on `context`. */
export declare function createMasterBus(
  context: BaseAudioContext,
  options?: MasterBusOptions,
): Promise<MasterBusNode>;

/** Compiles the package's wasm on this thread (once per URL). */
export declare function compileModule(url?: string | URL): Promise<WebAssembly.Module>;
export declare function defaultWasmUrl(): URL;
export declare function defaultWorkletUrl(): URL;
