// The package's API in Node: classes from the registry, settings as properties, processing in
// place and into new arrays, chains, loudness, normalization, sessions and the mixer; every
// error as a thrown Error with a clear message, recovery after errors, and free().

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import * as mm from "../pkg/node.js";

const {
  Chain,
  Compressor,
  Equalizer,
  Gain,
  Limiter,
  LoudnessMeter,
  Mixer,
  PeakFilter,
  Processor,
  Session,
  StereoWidth,
  kinds,
  measure,
  normalize,
  processor,
  processors,
} = mm;

const SR = 48000;

function sine(n, freq, amp, phase = 0) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / SR + phase);
  return x;
}

function stereo(n = 4800, amp = 0.5) {
  return [sine(n, 440, amp), sine(n, 660, amp, 1)];
}

function copy(ch) {
  return ch.map((c) => c.slice());
}

/** Asserts `fn` throws an Error (not a wasm trap) whose message matches every pattern. */
function throwsClearly(fn, ...patterns) {
  let caught = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected an error matching ${patterns.join(", ")}`);
  assert.ok(caught instanceof Error, `a thrown Error, not ${caught}`);
  assert.ok(!(caught instanceof WebAssembly.RuntimeError), `not a wasm trap: ${caught.message}`);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

function snakeOf(name) {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

test("every registered kind and variant is a class with its settings as properties", () => {
  const ks = kinds();
  assert.ok(ks.length >= 12);
  for (const d of ks) {
    const names = [d.className, ...d.variants.map((v) => v.className)];
    for (const name of names) {
      assert.equal(typeof mm[name], "function", `named export ${name}`);
      assert.equal(processors[name], mm[name], `processors.${name}`);
      assert.equal(mm[name].kind, d.kind);
    }
    for (const a of [d.kind, ...d.aliases]) assert.equal(processor(a).constructor, mm[d.className]);
    const p = new mm[d.className]();
    for (const s of [...d.options, ...d.params]) {
      assert.ok(s.name in p, `${d.className}.${s.name}`);
      // camelCase names map one to one onto the registry's snake_case names.
      assert.equal(snakeOf(s.name), s.key);
    }
    for (const prm of d.params) {
      const v = p[prm.name];
      assert.equal(prm.toggle ? Number(v) : v, prm.default, `${d.className}.${prm.name} default`);
    }
    p.free();
  }
});

test("options objects with camelCase names, settable properties, settings() round trip", () => {
  const c = new Compressor({ thresholdDb: -18, ratio: 4 });
  assert.equal(c.thresholdDb, -18);
  assert.equal(c.ratio, 4);
  c.thresholdDb = -24;
  c.detector = "rms";
  assert.equal(c.thresholdDb, -24);
  assert.equal(c.detector, "rms");
  assert.equal(c.get("threshold_db"), -24, "registry names work too");
  const again = new Compressor(c.settings());
  assert.deepEqual(again.settings(), c.settings());
  assert.deepEqual(c.toJSON(), { kind: "compressor", options: c.settings() });
  const l = new Limiter({ ceilingDbtp: -1 });
  assert.equal(l.ceilingDbtp, -1);
  assert.equal(new Processor("limiter", { ceilingDbtp: -2 }).constructor, Limiter);
  for (const d of kinds()) {
    const p = new mm[d.className]();
    const q = new mm[d.className](p.settings());
    assert.deepEqual(q.settings(), p.settings(), d.className);
    p.free();
    q.free();
  }
  const peak = new PeakFilter({ frequencyHz: 1000, gainDb: 6, q: 2 });
  assert.equal(peak.kind, "peaking");
  assert.equal(peak.processorKind, "filter");
  assert.ok(!("kind" in peak.settings()), "a variant's fixed setting is left out of settings()");
  const eq = new Equalizer({ bands: [{ kind: "peaking", frequencyHz: 2500, q: 1.4, gainDb: -2 }] });
  assert.equal(eq.bands.length, 1);
  assert.equal(eq.bands[0].frequencyHz, 2500);
  eq.bands = [...eq.bands, { kind: "high_shelf", frequencyHz: 8000, gainDb: 1 }];
  assert.equal(eq.bands.length, 2);
  const g = new Gain({ mute: true });
  assert.equal(g.mute, true);
  g.mute = 0;
  assert.equal(g.mute, false);
});

test("process in place (streaming) equals render into new arrays (latency removed)", () => {
  const input = stereo(10000, 0.9);
  const lim = new Limiter({ ceilingDbtp: -3 });
  const rendered = lim.render(input, SR);
  assert.equal(rendered.length, 2);
  assert.equal(rendered[0].length, input[0].length);
  assert.notEqual(rendered[0], input[0]);
  const lat = lim.latencyFrames;
  assert.ok(lat > 0);
  const streamed = input.map((c) => {
    const x = new Float32Array(c.length + lat);
    x.set(c);
    return x;
  });
  const s = new Limiter({ ceilingDbtp: -3 });
  s.prepare({ sampleRate: SR, channels: 2, maxBlock: 128 });
  for (let pos = 0; pos < streamed[0].length; pos += 300) {
    const block = streamed.map((c) => c.subarray(pos, pos + 300));
    assert.equal(s.process(block), block, "process returns its argument");
  }
  for (let c = 0; c < 2; c++) {
    assert.deepEqual(streamed[c].subarray(lat), rendered[c], `channel ${c}`);
  }
  assert.deepEqual(s.preparedFor, { sampleRate: SR, channels: 2 });
  // An AudioBuffer-shaped object is processed in place, its rate taken from it.
  const buf = { numberOfChannels: 2, sampleRate: SR, data: copy(input), getChannelData(c) { return this.data[c]; } };
  new Gain({ gainDb: -6 }).process(buf);
  assert.ok(Math.abs(buf.data[0][100] - input[0][100] * 10 ** (-6 / 20)) < 1e-6);
  // A tail is appended on request.
  const verb = processor("reverb", { decayS: 0.5 });
  const wet = verb.render(stereo(4800), SR, { tail: true });
  assert.ok(wet[0].length > 4800);
});

test("chains: stages from processors or descriptions, settable stage views", () => {
  const comp = new Compressor({ thresholdDb: -20, ratio: 2 });
  const chain = new Chain([
    new Equalizer({ bands: [{ kind: "peaking", frequencyHz: 2500, q: 1.4, gainDb: -2 }] }),
    comp,
    { kind: "limiter", options: { ceilingDbtp: -1 } },
  ]);
  assert.equal(chain.length, 3);
  assert.deepEqual(
    chain.stages.map((s) => s.constructor.name),
    ["Equalizer", "Compressor", "Limiter"],
  );
  chain.stages[1].ratio = 8;
  assert.equal(chain.stages[1].ratio, 8);
  assert.equal(comp.ratio, 2, "the chain holds its own copy");
  const out = chain.render(stereo(), SR);
  assert.equal(out[0].length, 4800);
  const nested = new Chain([chain, new Gain()]);
  assert.equal(nested.length, 4);
  assert.deepEqual(nested.toJSON()[1].options, chain.stages[1].settings());
  throwsClearly(() => chain.stages[0].process(stereo(), SR), /stage 0 of a chain/);
  throwsClearly(() => chain.stages[1].set("ratio", 0.5), /Compressor: parameter `ratio` = 0.5 is out of range: allowed \[1, /);
  assert.equal(chain.stages[1].ratio, 8, "a refused value changes nothing");
});

test("true peak: standard by default, precise on request, the ceiling checked precisely", () => {
  // fs/4 at 45 degrees: the samples are at 0.707 of the peak, which lies halfway between them
  // (faded in and out, so the ends add no overshoot of their own).
  const fade = (i) => Math.min(1, i / 2000, (SR - 1 - i) / 2000) ** 2;
  const x = Float32Array.from({ length: SR }, (_, i) => fade(i) * 0.5 * Math.sin((Math.PI / 2) * i + Math.PI / 4));
  const std = measure([x, x], SR);
  assert.equal(std.truePeakMode, "standard");
  const precise = measure([x, x], SR, { truePeak: "precise" });
  assert.equal(precise.truePeakMode, "precise");
  assert.ok(Math.abs(precise.truePeakDbtp - 20 * Math.log10(0.5)) < 0.02, `${precise.truePeakDbtp}`);
  const meter = new LoudnessMeter({ sampleRate: SR, channels: 2, truePeak: "precise" });
  assert.equal(meter.truePeakMode, "precise");
  for (let pos = 0; pos < SR; pos += 777) meter.add([x.subarray(pos, pos + 777), x.subarray(pos, pos + 777)]);
  assert.ok(Math.abs(meter.truePeakDbtp - precise.truePeakDbtp) < 1e-6);
  throwsClearly(() => measure([x, x], SR, { truePeak: "exact" }), /truePeak must be "standard"/);
  throwsClearly(() => new LoudnessMeter({ sampleRate: SR, truePeak: 16 }), /truePeak/);
  const { report } = normalize([x, x], SR, { targetLufs: -6, ceilingDbtp: -1 });
  assert.equal(report.after.truePeakMode, "precise");
  assert.equal(report.before.truePeakMode, "standard");
  assert.equal(report.ceilingKept, true);
  assert.ok(report.after.truePeakDbtp <= -1 + 0.1);
});

test("loudness: measure, the streaming meter, normalize to a preset", () => {
  const amp = 10 ** (-23 / 20);
  const x = [sine(SR * 5, 1000, amp), sine(SR * 5, 1000, amp)];
  const m = measure(x, SR);
  assert.ok(Math.abs(m.integratedLufs + 23) < 0.05, `${m.integratedLufs}`);
  assert.ok(m.momentaryLufs instanceof Float64Array);
  assert.equal(m.truePeakDbtpPerChannel.length, 2);
  const meter = new LoudnessMeter({ sampleRate: SR, channels: 2 });
  for (let pos = 0; pos < x[0].length; pos += 1000) meter.add(x.map((c) => c.subarray(pos, pos + 1000)));
  assert.ok(Math.abs(meter.integratedLufs - m.integratedLufs) < 1e-9);
  assert.ok(Math.abs(meter.reading().momentaryLufs + 23) < 0.05);
  meter.reset();
  assert.equal(meter.integratedLufs, -Infinity);
  const { channels, report } = normalize(x, SR, { preset: "spotify" });
  assert.equal(channels.length, 2);
  assert.equal(report.targetLufs, -14);
  assert.ok(report.reached);
  assert.ok(Math.abs(measure(channels, SR).integratedLufs + 14) < 0.1);
  assert.ok(measure(channels, SR).truePeakDbtp <= -1 + 1e-6);
  const custom = normalize(x, SR, { targetLufs: -20, ceilingDbtp: -2 }).report;
  assert.equal(custom.targetLufs, -20);
  assert.equal(custom.ceilingDbtp, -2);
  assert.deepEqual(mm.presets().spotify, { targetLufs: -14, ceilingDbtp: -1 });
  const album = mm.normalizeAlbum([x, x.map((c) => c.map((v) => v / 2))], SR, { preset: "ebu-r128" });
  assert.equal(album.tracks.length, 2);
});

const SESSION = `
sample_rate = 48000

[[track]]
name = "tone"
gain_db = -3.0
[[track.insert]]
type = "compressor"
threshold_db = -24.0
ratio = 3.0

[[track]]
name = "bass"
pan = -0.3

[[master.insert]]
type = "limiter"
ceiling_dbtp = -1.0
`;

test("sessions and the mixer render the command's session files", () => {
  const s = Session.fromToml(SESSION);
  assert.deepEqual(s.trackNames, ["tone", "bass"]);
  assert.equal(s.sampleRate, 48000);
  const tone = sine(SR, 440, 0.5);
  const bass = [sine(SR, 55, 0.5), sine(SR, 55, 0.5)];
  const r = s.render([tone, bass]);
  assert.equal(r.sampleRate, 48000);
  assert.equal(r.channels.length, 2);
  assert.equal(r.report, null);
  const byName = s.render({ bass, tone });
  assert.deepEqual(byName.channels, r.channels);
  // The tracks can come with the text, as the command reads them with the file.
  assert.deepEqual(Session.fromToml(SESSION, { tone, bass }).render().channels, r.channels);
  throwsClearly(() => Session.fromToml(SESSION).render(), /give the tracks' audio \(tone, bass\)/);
  // The same session rebuilt from its TOML and from its object renders the same.
  assert.deepEqual(Session.fromToml(s.toToml()).render([tone, bass]).channels, r.channels);
  assert.deepEqual(Session.fromObject(s.toObject()).render([tone, bass]).channels, r.channels);
  // A loudness target is applied as the command applies it.
  const mastered = Session.fromToml(`${SESSION}\n[master.normalize]\npreset = "spotify"\n`).render([tone, bass]);
  assert.ok(mastered.report.reached);
  assert.ok(Math.abs(measure(mastered.channels, SR).integratedLufs + 14) < 0.1);
  assert.deepEqual(mastered.mix, r.channels);
  // The mixer describes the same session in code.
  const mx = new Mixer({ sampleRate: 48000 });
  mx.addTrack("tone", tone, { gainDb: -3, inserts: [new Compressor({ thresholdDb: -24, ratio: 3 })] });
  mx.addTrack("bass", bass, { pan: -0.3 });
  mx.setMaster({ inserts: [new Limiter({ ceilingDbtp: -1 })] });
  assert.deepEqual(mx.render().channels, r.channels);
  assert.match(mx.toToml(), /\[\[master.insert\]\]\ntype = "limiter"/);
  mx.addBus("verb", { inserts: [processor("reverb", { mix: 1 })] });
  mx.addSend("tone", "verb", { levelDb: -12 });
  mx.automate("tone", "gainDb", [[0, -3], [0.5, -9, "linear"]]);
  mx.automate("master", "insert.0.ceilingDbtp", [[0, -1], [0.5, -2]]);
  const withVerb = mx.render();
  assert.ok(withVerb.channels[0].length > r.channels[0].length, "the reverb's tail is appended");
  assert.match(mx.toToml(), /param = "insert.0.ceiling_dbtp"/);
});

test("errors are thrown Errors that say what is wrong", () => {
  throwsClearly(() => processor("compresor"), /unknown processor `compresor` \(known: gain, pan, .*compressor/);
  throwsClearly(() => new Processor("compresor"), /unknown processor `compresor`/);
  throwsClearly(() => new Compressor({ thresholdBd: -3 }), /Compressor has no setting `thresholdBd` \(it has: detector, .*thresholdDb/);
  throwsClearly(() => new Compressor({ thresholdDb: 5 }), /Compressor: parameter `thresholdDb` = 5 is out of range: allowed \[-80, 0\]/);
  throwsClearly(() => new Compressor({ ratio: "4" }), /`ratio` must be a number, not a string/);
  throwsClearly(() => new Compressor({ ratio: null }), /`ratio` must be a number, a bool or a string, not null/);
  throwsClearly(() => new Compressor({ detector: "loud" }), /unknown detector `loud` \(peak, rms\)/);
  throwsClearly(() => new Compressor({ detector: 3 }), /`detector` must be a string, not a number/);
  throwsClearly(() => new Compressor(5), /Compressor options must be an object/);
  throwsClearly(() => new Compressor({}, {}), /Compressor takes one options object/);
  throwsClearly(() => new Compressor({ thresholdDb: -3, threshold_db: -4 }), /`thresholdDb` is given twice/);
  throwsClearly(() => new Limiter({ ceilingDbtp: NaN }), /parameter `ceilingDbtp` = NaN/);
  throwsClearly(() => new PeakFilter({ kind: "low_pass" }), /PeakFilter fixes `kind` = "peaking": use Filter/);
  throwsClearly(() => new Equalizer({ bands: [{ kind: "peaking", frequencyHz: -5 }] }), /bands\[0\]: parameter `frequencyHz` = -5 is out of range: allowed \[1, /);
  throwsClearly(() => new Equalizer({ bands: [{ kind: "peaking", width: 2 }] }), /`bands\[0\]` has no field `width` \(fields: kind, order, frequencyHz, q, gainDb, enabled\)/);
  throwsClearly(() => new Equalizer({ bands: [5] }), /`bands\[0\]` must be an object of fields, not a number/);
  throwsClearly(() => new Equalizer({ bands: 3 }), /`bands` must be a list of tables, not a number/);
  throwsClearly(() => new mm.Filter({ kind: "low_pass", order: 2.5 }), /`order` = 2.5 .*whole number/);
  const c = new Compressor();
  throwsClearly(() => {
    c.ratio = 0.1;
  }, /parameter `ratio` = 0.1 is out of range: allowed \[1, /);
  throwsClearly(() => c.set("nope", 1), /Compressor has no setting `nope`/);
  throwsClearly(() => {
    c.nope = 1;
  }, /not extensible/);
  // Audio shapes.
  throwsClearly(() => c.process("audio", SR), /audio must be an array of Float32Array channels \(or an AudioBuffer\), not a string/);
  throwsClearly(() => c.process([new Float64Array(10)], SR), /audio\[0\] is a Float64Array: pass one Float32Array per channel/);
  throwsClearly(() => c.process([[0, 1, 2]], SR), /audio\[0\] is an array: pass one Float32Array per channel/);
  throwsClearly(() => c.process([new Float32Array(10), new Float32Array(9)], SR), /channel 1 has 9 frames but channel 0 has 10/);
  throwsClearly(() => c.process([], SR), /audio has no channels/);
  throwsClearly(() => c.process(Array.from({ length: 33 }, () => new Float32Array(4)), SR), /33 channels; at most 32/);
  throwsClearly(() => new Compressor().process(stereo()), /not prepared: pass the sample rate/);
  throwsClearly(() => c.process(stereo(), 0), /`sampleRate` = 0: a positive number of Hz/);
  throwsClearly(() => c.process(stereo(), NaN), /`sampleRate` = NaN/);
  c.process(stereo(), SR);
  throwsClearly(() => c.process([sine(100, 1, 1)], SR), /the audio has 1 channel but Compressor was prepared for 2: call prepare\(\) to change/);
  throwsClearly(() => c.process(stereo(), 44100), /sampleRate 44100 differs from the 48000 Hz Compressor was prepared for/);
  throwsClearly(() => c.prepare({ sampleRate: SR, channels: 0 }), /`channels` = 0: a whole number from 1 to 32/);
  throwsClearly(() => c.prepare({ sampleRate: SR, channels: 1.5 }), /`channels` = 1.5/);
  throwsClearly(() => c.prepare({ sampleRate: SR, channels: 2, maxBlock: 0 }), /`maxBlock` = 0/);
  throwsClearly(() => c.prepare({ sampleRate: 1e9, channels: 2 }), /parameter `sampleRate` = 1000000000 is out of range: allowed \[1, 1536000\]/);
  throwsClearly(() => new StereoWidth().process([sine(100, 1, 1)], SR), /stereo width does not support 1 channels \(supports exactly 2\)/);
  // Chains.
  throwsClearly(() => new Chain(5), /a chain takes an array of processors, not number 5/);
  throwsClearly(() => new Chain([5]), /stage 0 must be a processor .* not number 5/);
  throwsClearly(() => new Chain([{ kind: "compressor", ratio: 3 }]), /stage 0: a stage description is \{ kind, options \}; `ratio` belongs inside options/);
  throwsClearly(() => new Chain([new Gain(), { kind: "limiter", options: { ceilingDbtp: 3 } }]), /stage 1 \(limiter\): Limiter: parameter `ceilingDbtp` = 3 is out of range/);
  throwsClearly(() => new Chain([{ kind: "nope" }]), /stage 0 \(nope\): unknown processor `nope`/);
  // Loudness.
  throwsClearly(() => new LoudnessMeter({ sampleRate: 4000, channels: 2 }), /parameter `sampleRate` = 4000 is out of range: allowed \[8000, 768000\]/);
  throwsClearly(() => new LoudnessMeter({ sampleRate: SR, channels: 2, layout: "quad" }), /unknown layout `quad`/);
  throwsClearly(() => new LoudnessMeter({ sampleRate: SR, channels: 2, layout: "5.1" }), /the layout has 6 channels but the audio has 2 channels/);
  throwsClearly(() => new LoudnessMeter({ sampleRate: SR, chanels: 2 }), /LoudnessMeter has no option `chanels`/);
  throwsClearly(() => new LoudnessMeter({ sampleRate: SR, channels: 2 }).add([sine(10, 1, 1)]), /the audio has 1 channel but the meter measures 2 channels/);
  throwsClearly(() => measure(stereo(), SR, { hopS: 0 }), /parameter `hopS` = 0 is out of range: allowed \[0.001, 60\]/);
  throwsClearly(() => measure(stereo()), /measure: sampleRate must be a number of Hz/);
  throwsClearly(() => normalize([new Float32Array(SR), new Float32Array(SR)], SR), /silent/);
  throwsClearly(() => normalize(stereo(), SR, { preset: "myspace" }), /unknown preset `myspace` \(known: spotify, apple-music/);
  throwsClearly(() => normalize(stereo(), SR, { targetLufs: -60 }), /parameter `targetLufs` = -60 is out of range: allowed \[-40, -5\]/);
  throwsClearly(() => normalize(stereo(), SR, { target: -14 }), /normalize has no option `target`/);
  // Sessions.
  throwsClearly(() => Session.fromToml("[[track]]\nname = \n"), /^2:\d+/);
  throwsClearly(() => Session.fromToml(5), /text must be a string/);
  throwsClearly(() => Session.fromToml(SESSION).render([sine(10, 1, 1)]), /the session has 2 tracks but audio was given for 1/);
  throwsClearly(() => Session.fromToml(SESSION).render({ tone: sine(10, 1, 1) }), /missing \[bass\]/);
  throwsClearly(() => Session.fromToml(SESSION).render([sine(100, 1, 1), sine(50, 1, 1)]), /track `bass` is 0.001 s long but `tone` is 0.002 s/);
  assert.ok(Session.fromToml(SESSION).render([sine(100, 1, 1), sine(50, 1, 1)], SR, { pad: true }));
  throwsClearly(() => Session.fromToml(SESSION).render([sine(100, 1, 1), sine(100, 1, 1)], 44100), /sample_rate is 48000 Hz but its audio is at 44100 Hz/);
  throwsClearly(() => Session.fromToml(`[[track]]\nname = "a"\n[[track.insert]]\ntype = "nope"\n`).render([sine(10, 1, 1)], SR), /unknown processor `nope`/);
  throwsClearly(() => Session.fromObject({ track: [{ name: "a", gain_db: "loud" }] }), /session: .*invalid type/);
  throwsClearly(() => new Mixer().addSend("a", "b"), /no track or bus named `a`/);
});

test("after any error the next call works, and gives the same result as a fresh object", () => {
  const input = stereo(2048, 0.8);
  const expected = new Limiter({ ceilingDbtp: -2 }).render(input, SR);
  const lim = new Limiter({ ceilingDbtp: -2 });
  assert.deepEqual(lim.render(input, SR), expected);
  const bad = [
    () => lim.process([new Float32Array(3)], SR),
    () => lim.render("x", SR),
    () => lim.set("ceilingDbtp", 7),
    () => lim.set("lookaheadMs", -1),
    () => lim.process([new Float32Array(3), new Float32Array(4)], SR),
    () => lim.prepare({ sampleRate: -1 }),
    () => lim.render(input, 1e12),
  ];
  for (const f of bad) {
    throwsClearly(f, /./);
    assert.deepEqual(lim.render(input, SR), expected, `after: ${f}`);
  }
  const chain = new Chain([new Gain({ gainDb: -3 }), new Limiter({ ceilingDbtp: -2 })]);
  const want = chain.render(input, SR);
  throwsClearly(() => chain.stages[1].set("ceilingDbtp", 9), /out of range/);
  throwsClearly(() => chain.process([new Float32Array(2)], SR), /./);
  assert.deepEqual(chain.render(input, SR), want);
  const m = new LoudnessMeter({ sampleRate: SR, channels: 2 });
  throwsClearly(() => m.add([new Float32Array(2)]), /./);
  m.add(input);
  assert.ok(Number.isFinite(m.momentaryLufs));
});

test("free() releases wasm memory; later use throws a clear Error; Symbol.dispose frees", () => {
  const c = new Compressor();
  c.free();
  c.free();
  assert.equal(c.freed, true);
  throwsClearly(() => c.ratio, /Compressor was freed \(free\(\) or a `using` declaration\): create a new one/);
  throwsClearly(() => c.process(stereo(), SR), /Compressor was freed/);
  const chain = new Chain([new Gain()]);
  const stage = chain.stages[0];
  chain[Symbol.dispose]();
  assert.equal(chain.freed, true);
  throwsClearly(() => chain.render(stereo(), SR), /Chain was freed/);
  throwsClearly(() => stage.gainDb, /Chain was freed/);
  const m = new LoudnessMeter({ sampleRate: SR });
  m[Symbol.dispose]();
  throwsClearly(() => m.integratedLufs, /LoudnessMeter was freed/);
  const s = Session.fromToml(SESSION);
  s.free();
  throwsClearly(() => s.toToml(), /Session was freed/);
  const l = new Limiter();
  l[Symbol.dispose]();
  assert.equal(l.freed, true);
  // Creating and freeing many processors does not grow memory without bound.
  for (let i = 0; i < 50; i++) new Limiter().free();
  const before = mm.memoryBytes();
  for (let i = 0; i < 500; i++) {
    const p = new Limiter();
    p.render(stereo(512), SR);
    p.free();
  }
  assert.equal(mm.memoryBytes(), before);
});

test("a package that is not initialized says so", () => {
  const index = fileURLToPath(new URL("../pkg/index.js", import.meta.url));
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { Compressor } from ${JSON.stringify(index)}; try { new Compressor(); } catch (e) { console.log(e.message); }`,
    ],
    { encoding: "utf8" },
  );
  assert.match(out, /mixmaster-wasm is not initialized: `await init\(\)` first/);
});

test("convolution reverb: a response through loadAudio, convolved with no latency", () => {
  const { ConvolutionReverb } = mm;
  const n = 2000;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  l[0] = 1;
  l[1500] = 0.5; // beyond the direct head: through the FFT tiers
  r[10] = -1;
  const rev = new ConvolutionReverb({ mix: 1 }).loadAudio("ir", [l, r], 48000, "hall.wav");
  assert.equal(rev.ir, "hall.wav");
  const x = [new Float32Array(4000), new Float32Array(4000)];
  x[0][100] = 1;
  x[1][200] = 1;
  const [yl, yr] = rev.render(x, 48000);
  assert.equal(rev.latencyFrames, 0);
  assert.ok(Math.abs(yl[100] - 1) < 1e-6 && Math.abs(yl[1600] - 0.5) < 1e-6, "left");
  assert.ok(Math.abs(yr[210] + 1) < 1e-6, "right");
  assert.ok(Math.abs(yl[101]) < 1e-6 && Math.abs(yr[200]) < 1e-6);
  // Changing an option rebuilds the processor and keeps the response.
  rev.predelayMs = 1;
  assert.equal(rev.ir, "hall.wav");
  assert.throws(() => rev.loadAudio("ir", [l, r, l], 48000), /3 channels/);
  assert.throws(() => new Gain().loadAudio("ir", [l], 48000), /no audio data|ir/);
  assert.throws(() => new ConvolutionReverb().loadAudio("ir", [l], 44100).render(x, 48000), /44100 Hz/);
  rev.free();
});
