// Type-checked by tests/generated.test.mjs: the package's API as a TypeScript user writes it.
import {
  Chain,
  Compressor,
  Equalizer,
  Limiter,
  LoudnessMeter,
  PeakFilter,
  Session,
  createMasterBus,
  encodeWav,
  init,
  measure,
  normalize,
  processor,
  type EqualizerBandsItem,
  type MasterBusNode,
  type Measurement,
} from "../../pkg/index.js";

export async function offline(left: Float32Array, right: Float32Array): Promise<number> {
  await init();
  const comp = new Compressor({ thresholdDb: -18, ratio: 4, detector: "rms" });
  comp.thresholdDb = -20;
  const detector: "peak" | "rms" = comp.detector;
  const band: EqualizerBandsItem = { kind: "peaking", frequencyHz: 2500, q: 1.4, gainDb: -2 };
  const chain = new Chain([new Equalizer({ bands: [band] }), comp, new Limiter({ ceilingDbtp: -1 })]);
  const out: Float32Array[] = chain.render([left, right], 48000);
  chain.process([left, right], 48000);
  const m: Measurement = measure(out, 48000);
  const { channels, report } = normalize(out, 48000, { preset: "spotify" });
  const peak = new PeakFilter({ frequencyHz: 1000, gainDb: 6 });
  const fixed: "peaking" = peak.kind;
  const lim = processor("limiter", { ceilingDbtp: -2 });
  lim.ceilingDbtp = -1.5;
  const meter = new LoudnessMeter({ sampleRate: 48000, channels: 2 });
  meter.add(channels);
  const session = Session.fromToml("[[track]]\nname = \"a\"\n");
  const mix = session.render([left], 48000, { pad: true });
  {
    using c = new Compressor();
    c.ratio = 3;
  }
  encodeWav(mix.channels, mix.sampleRate, { bitDepth: 24 });
  return m.integratedLufs + report.gainDb + meter.integratedLufs + detector.length + fixed.length;
}

export async function live(context: AudioContext): Promise<MasterBusNode> {
  const bus = await createMasterBus(context, {
    chain: [new Compressor({ thresholdDb: -18 }), { kind: "limiter", options: { ceilingDbtp: -1 } }],
    onMeter: (r) => console.log(r.momentaryLufs, r.truePeakDbtp),
  });
  bus.stages[0].set("thresholdDb", -20);
  bus.connect(context.destination);
  return bus;
}
