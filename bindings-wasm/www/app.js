// The example page: plays an audio file through the master chain in an AudioWorklet, with
// controls for the chain's parameters (ranges from the core's registry) and the live meter;
// "Master this file" renders the file offline (OfflineAudioContext, the same worklet) and
// downloads a 24-bit WAV, optionally normalized to a platform preset.

import {
  Chain,
  HighShelf,
  Compressor,
  Limiter,
  LowShelf,
  PeakFilter,
  compileModule,
  createMasterBus,
  encodeWav,
  init,
  measure,
  normalize,
  presets,
} from "../pkg/index.js";

const $ = (id) => document.getElementById(id);
const module = await compileModule();
await init(module);

// The chain's settings live here (the page's state); the running bus gets every change.
const chain = [
  new LowShelf({ frequencyHz: 120, gainDb: 0 }),
  new PeakFilter({ frequencyHz: 2500, q: 1.0, gainDb: 0 }),
  new HighShelf({ frequencyHz: 9000, gainDb: 0 }),
  new Compressor({ thresholdDb: -18, ratio: 2.5, attackMs: 15, releaseMs: 150, kneeDb: 6 }),
  new Limiter({ ceilingDbtp: -1 }),
];
const CONTROLS = [
  [0, "gainDb", "Low shelf (120 Hz)", -12, 12, 0.5, "dB"],
  [1, "gainDb", "Presence (2.5 kHz)", -12, 12, 0.5, "dB"],
  [2, "gainDb", "Air (9 kHz)", -12, 12, 0.5, "dB"],
  [3, "thresholdDb", "Compressor threshold", -48, 0, 0.5, "dB"],
  [3, "ratio", "Compressor ratio", 1, 20, 0.1, ":1"],
  [3, "makeupDb", "Compressor makeup", 0, 18, 0.5, "dB"],
  [4, "ceilingDbtp", "Limiter ceiling", -6, 0, 0.1, "dBTP"],
];

let ctx = null;
let bus = null;
let source = null;
let buffer = null;
let fileName = "audio";

function renderControls() {
  const box = $("controls");
  for (const [stage, name, label, lo, hi, step, unit] of CONTROLS) {
    // The registry's declared range bounds the slider.
    const d = chain[stage].constructor.description.params.find((p) => p.name === name);
    const min = Math.max(lo, d.min);
    const max = Math.min(hi, d.max);
    const div = document.createElement("div");
    div.className = "control";
    const id = `c-${stage}-${name}`;
    div.innerHTML = `<label for="${id}"><span>${label}</span><span id="${id}-v"></span></label>
      <input id="${id}" type="range" min="${min}" max="${max}" step="${step}" value="${chain[stage][name]}">`;
    box.append(div);
    const input = div.querySelector("input");
    const show = () => ($(`${id}-v`).textContent = `${Number(input.value).toFixed(1)} ${unit}`);
    show();
    input.addEventListener("input", () => {
      const v = Number(input.value);
      chain[stage][name] = v;
      if (bus) bus.stages[stage][name] = v; // smoothed in the worklet: no clicks
      show();
    });
  }
  for (const name of Object.keys(presets())) {
    $("preset").append(new Option(name, name));
  }
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : "—");
const barWidth = (lufs) => `${Math.max(0, Math.min(100, ((lufs + 60) / 60) * 100))}%`;

function showMeter(r) {
  $("momentary").textContent = fmt(r.momentaryLufs);
  $("short-term").textContent = fmt(r.shortTermLufs);
  $("integrated").textContent = fmt(r.integratedLufs);
  $("true-peak").textContent = fmt(r.truePeakDbtp);
  $("momentary-bar").style.width = barWidth(r.momentaryLufs);
  $("short-term-bar").style.width = barWidth(r.shortTermLufs);
}

async function ensureContext() {
  if (ctx) return;
  ctx = new AudioContext({ latencyHint: "playback" });
  bus = await createMasterBus(ctx, { chain, module, onMeter: showMeter });
  bus.addEventListener("error", (e) => ($("status").textContent = e.message));
  bus.connect(ctx.destination);
}

$("file").addEventListener("change", async () => {
  const f = $("file").files[0];
  if (!f) return;
  fileName = f.name.replace(/\.[^.]+$/, "");
  $("status").textContent = `Decoding ${f.name}...`;
  try {
    await ensureContext();
    buffer = await ctx.decodeAudioData(await f.arrayBuffer());
    $("status").textContent = `${f.name}: ${buffer.duration.toFixed(1)} s, ${buffer.numberOfChannels} ch, ${buffer.sampleRate} Hz`;
    $("play").disabled = false;
    $("master").disabled = false;
  } catch (e) {
    $("status").textContent = `Cannot decode ${f.name}: ${e.message}`;
  }
});

$("play").addEventListener("click", async () => {
  await ensureContext();
  await ctx.resume();
  source?.stop();
  source = new AudioBufferSourceNode(ctx, { buffer });
  source.connect($("bypass").checked ? ctx.destination : bus);
  bus.resetMeter();
  source.start();
  source.onended = () => ($("stop").disabled = true);
  $("stop").disabled = false;
  $("status").textContent = "Playing through the master chain.";
});

$("stop").addEventListener("click", () => {
  source?.stop();
  source = null;
  $("stop").disabled = true;
});

$("bypass").addEventListener("change", () => {
  if (!source) return;
  source.disconnect();
  source.connect($("bypass").checked ? ctx.destination : bus);
});

$("master").addEventListener("click", async () => {
  $("master").disabled = true;
  $("master-status").textContent = "Rendering...";
  try {
    const t0 = performance.now();
    // The same chain in the same worklet, faster than real time; latency compensated.
    const rate = buffer.sampleRate;
    const probe = new Chain(chain).prepare({ sampleRate: rate, channels: 2 });
    const latency = probe.latencyFrames;
    probe.free();
    const off = new OfflineAudioContext(2, buffer.length + latency, rate);
    const offBus = await createMasterBus(off, { chain, module, meter: false });
    const src = new AudioBufferSourceNode(off, { buffer });
    src.connect(offBus).connect(off.destination);
    src.start();
    const rendered = await off.startRendering();
    offBus.dispose();
    let channels = [0, 1].map((c) => rendered.getChannelData(c).slice(latency, latency + buffer.length));
    const preset = $("preset").value;
    let note = "";
    if (preset) {
      const r = normalize(channels, rate, { preset });
      channels = r.channels;
      note = `, normalized to ${preset} (gain ${r.report.gainDb.toFixed(1)} dB)`;
    }
    const m = measure(channels, rate);
    const wav = new Blob([encodeWav(channels, rate, { bitDepth: 24 })], { type: "audio/wav" });
    const a = $("download");
    a.href = URL.createObjectURL(wav);
    a.download = `${fileName}-master.wav`;
    a.click();
    $("master-status").textContent =
      `Done in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${fmt(m.integratedLufs)} LUFS, ${fmt(m.truePeakDbtp)} dBTP${note}.`;
  } catch (e) {
    $("master-status").textContent = `Failed: ${e.message}`;
  } finally {
    $("master").disabled = false;
  }
});

renderControls();
window.appReady = true;
