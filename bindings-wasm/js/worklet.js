// The package's AudioWorkletProcessor: "mixmaster-master-bus". Load it with
// `context.audioWorklet.addModule(url of this file)` (createMasterBus does) and create an
// AudioWorkletNode with processorOptions `{ module, stages, channels, capacity, meter,
// meterRateHz }`, where `module` is the compiled `WebAssembly.Module` (the worklet scope has
// no fetch: the main thread compiles it and passes it in).
//
// Per render quantum, of any length: the input is copied into buffers that live in wasm
// memory (Float32Array views made once), the kernel processes them in place (no allocation, no
// copy on the wasm side), and they are copied to the output. Parameters arrive through the
// port; meter readings leave through it at `meterRateHz` (20 by default).

// The codec must exist before the wasm-bindgen glue loads (it builds a TextDecoder at once).
import "./text-codec.js";
import { Kernel, allocationCount, initSync, memoryBytes } from "./mixmaster_wasm.js";

const NAME = "mixmaster-master-bus";
let wasm = null;

class MasterBusProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions ?? {};
    this.kernel = null;
    this.quanta = 0;
    this.processAllocations = 0;
    this.sinceMeter = 0;
    this.views = [];
    this.viewFrames = -1;
    this.viewBuffer = null;
    this.port.onmessage = (e) => this.onMessage(e.data);
    try {
      if (!wasm) {
        if (!(o.module instanceof WebAssembly.Module)) {
          throw new Error(
            "processorOptions.module must be the compiled WebAssembly.Module of mixmaster_wasm_bg.wasm",
          );
        }
        wasm = initSync({ module: o.module });
      }
      this.channels = o.channels ?? 2;
      this.kernel = new Kernel(o.stages ?? [], sampleRate, this.channels, o.capacity ?? 2048, o.meter !== false);
      this.meterEvery = o.meter === false ? 0 : Math.max(1, Math.round(sampleRate / (o.meterRateHz ?? 20)));
      this.startMemory = memoryBytes();
      this.port.postMessage({
        type: "ready",
        latencyFrames: this.kernel.latencyFrames,
        memoryBytes: this.startMemory,
      });
    } catch (e) {
      this.kernel = null;
      this.port.postMessage({ type: "error", message: String(e?.message ?? e) });
    }
  }

  onMessage(m) {
    if (!m || typeof m !== "object") return;
    try {
      if (m.type === "free") {
        this.kernel?.free();
        this.kernel = null;
        return;
      }
      if (!this.kernel) return;
      switch (m.type) {
        case "param":
          this.kernel.setParam(m.stage, m.index, m.value);
          break;
        case "set":
          this.kernel.set(m.stage, m.name, m.value);
          break;
        case "reset":
          this.kernel.reset();
          break;
        case "resetMeter":
          this.kernel.resetMeter();
          break;
        case "stats":
          this.port.postMessage({ type: "stats", id: m.id, ...this.stats() });
          break;
      }
    } catch (e) {
      this.port.postMessage({ type: "error", id: m.id, message: String(e?.message ?? e) });
    }
  }

  stats() {
    return {
      quanta: this.quanta,
      memoryBytes: memoryBytes(),
      memoryBytesAtStart: this.startMemory,
      processAllocations: this.processAllocations,
    };
  }

  /** Views of the kernel's channel buffers, `frames` long (remade only when that changes). */
  viewsFor(frames) {
    const buffer = wasm.memory.buffer;
    if (frames !== this.viewFrames || buffer !== this.viewBuffer) {
      this.views = [];
      for (let c = 0; c < this.channels; c++) {
        this.views.push(new Float32Array(buffer, this.kernel.channelPointer(c), frames));
      }
      this.viewFrames = frames;
      this.viewBuffer = buffer;
    }
    return this.views;
  }

  process(inputs, outputs) {
    const k = this.kernel;
    if (!k) return false;
    const out = outputs[0];
    if (!out || out.length === 0) return true;
    const input = inputs[0];
    const frames = out[0].length;
    const cap = k.capacity;
    const ch = this.channels;
    for (let off = 0; off < frames; off += cap) {
      const n = Math.min(cap, frames - off);
      const views = this.viewsFor(n);
      for (let c = 0; c < ch; c++) {
        const src = input && input.length ? input[c < input.length ? c : input.length - 1] : null;
        if (!src) views[c].fill(0);
        else views[c].set(n === frames ? src : src.subarray(off, off + n));
      }
      const a0 = allocationCount();
      k.process(n);
      this.processAllocations += allocationCount() - a0;
      for (let c = 0; c < ch && c < out.length; c++) out[c].set(views[c], off);
    }
    this.quanta++;
    if (this.meterEvery) {
      this.sinceMeter += frames;
      if (this.sinceMeter >= this.meterEvery) {
        this.sinceMeter %= this.meterEvery;
        this.port.postMessage({
          type: "meter",
          momentaryLufs: k.momentaryLufs,
          shortTermLufs: k.shortTermLufs,
          integratedLufs: k.integratedLufs,
          maxMomentaryLufs: k.maxMomentaryLufs,
          loudnessRangeLu: k.loudnessRangeLu,
          truePeakDbtp: k.truePeakDbtp,
          samplePeakDbfs: k.samplePeakDbfs,
          timeS: k.meteredFrames / sampleRate,
          ...this.stats(),
        });
      }
    }
    return true;
  }
}

registerProcessor(NAME, MasterBusProcessor);
