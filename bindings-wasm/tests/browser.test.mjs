// The package in headless Chromium (Debian's, driven by playwright-core), pages served from
// 127.0.0.1 by www/serve.mjs: the AudioWorklet master bus rendering in an OfflineAudioContext
// (true peak under the limiter's ceiling, the live meter on a -23 dBFS sine, 10,000 quanta
// without wasm memory growth, parameter changes from the main thread without clicks), and the
// example page: load a file, play it through the chain with the live meter, master it to a WAV
// download, with no console errors (screenshot in test-artifacts/).

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { encodeWav, measure } from "../pkg/node.js";
import { serve } from "../www/serve.mjs";

const artifacts = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
];

let server;
let base;
let browser;
let profile;
let harness;
const problems = [];

function watch(page, label) {
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${label}: console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${label}: page error: ${e.message}`));
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  ({ server, url: base } = await serve(0));
  profile = mkdtempSync(join(tmpdir(), "mixmaster-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    headless: true,
    executablePath: CHROMIUM,
    args: ARGS,
    acceptDownloads: true,
    viewport: { width: 1000, height: 900 },
  });
  harness = await browser.newPage();
  watch(harness, "harness");
  await harness.goto(`${base}/tests/browser/harness.html`);
  await harness.waitForFunction(() => window.harnessReady === true, null, { timeout: 60000 });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("worklet chain in an OfflineAudioContext: true peak at or below the limiter's ceiling", async () => {
  const r = await harness.evaluate(() => window.limiterTest());
  assert.ok(r.inputTruePeakDbtp > 3, `the input goes over: ${r.inputTruePeakDbtp}`);
  assert.ok(r.truePeakDbtp <= -1, `true peak ${r.truePeakDbtp} dBTP over the -1 dBTP ceiling`);
  assert.ok(r.latencyFrames > 0);
});

test("the live meter reads a -23 dBFS 1 kHz stereo sine as -23.0 ± 0.1 LUFS, at >= 10 Hz", async () => {
  const r = await harness.evaluate(() => window.meterTest());
  assert.ok(Math.abs(r.last.integratedLufs + 23) <= 0.1, `integrated ${r.last.integratedLufs}`);
  assert.ok(Math.abs(r.last.momentaryLufs + 23) <= 0.1, `momentary ${r.last.momentaryLufs}`);
  assert.ok(Math.abs(r.last.shortTermLufs + 23) <= 0.1, `short-term ${r.last.shortTermLufs}`);
  assert.ok(r.readings / r.seconds >= 10, `${r.readings} readings in ${r.seconds} s`);
});

test("10,000 render quanta leave the wasm memory size unchanged, with no allocation", async () => {
  const r = await harness.evaluate(() => window.memoryTest());
  assert.ok(r.quanta >= 10000, `${r.quanta} quanta`);
  assert.equal(r.memoryBytes, r.memoryBytesAtStart, "wasm memory bytes");
  assert.equal(r.processAllocations, 0, "allocations while processing");
});

test("parameters change from the main thread, smoothly, and invalid ones are refused there", async () => {
  const r = await harness.evaluate(() => window.paramTest());
  assert.equal(r.error, null);
  assert.match(r.refused, /Gain: parameter `gainDb` = 100 is out of range: allowed \[-150, 48\]/);
  assert.ok(Math.abs(r.before - 0.5) < 1e-3, `before ${r.before}`);
  assert.ok(Math.abs(r.after - 0.5 * 10 ** (-12 / 20)) < 1e-3, `after ${r.after}`);
  // A 440 Hz sine of amplitude 0.5 moves at most 2π·440/48000·0.5 = 0.0288 per sample: a
  // click (an unsmoothed step of 0.37) would show as a larger step.
  assert.ok(r.maxStep <= 0.0289, `largest sample step ${r.maxStep}`);
});

test("a master bus on a suspended AudioContext is created at once and starts on resume", async () => {
  const r = await harness.evaluate(() => window.suspendedTest());
  assert.equal(r.state, "suspended");
});

function testWav() {
  const sr = 44100;
  const n = sr * 3;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 2 * t);
    l[i] = 0.8 * env * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 3000 * t);
    r[i] = 0.8 * env * Math.sin(2 * Math.PI * 330 * t) + 0.2 * Math.sin(2 * Math.PI * 5000 * t);
  }
  return Buffer.from(encodeWav([l, r], sr, { bitDepth: 16 }));
}

function readWav(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(bytes.toString("ascii", 0, 4), "RIFF");
  const channels = v.getUint16(22, true);
  const rate = v.getUint32(24, true);
  const bits = v.getUint16(34, true);
  const frames = v.getUint32(40, true) / channels / (bits / 8);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const at = 44 + (i * channels + c) * 3;
      const s = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) << 8 >> 8;
      out[c][i] = s / 8388608;
    }
  }
  return { channels: out, rate, bits };
}

test("the example page loads, plays through the chain with the live meter, and masters a WAV", async () => {
  const page = await browser.newPage();
  const errorsBefore = problems.length;
  watch(page, "example page");
  await page.goto(`${base}/www/index.html`);
  await page.waitForFunction(() => window.appReady === true, null, { timeout: 60000 });
  const dir = mkdtempSync(join(tmpdir(), "mixmaster-page-"));
  const wav = join(dir, "tone.wav");
  writeFileSync(wav, testWav());
  await page.setInputFiles("#file", wav);
  await page.waitForFunction(() => !document.getElementById("play").disabled, null, { timeout: 30000 });
  // Move a control while stopped and while playing: the running chain follows.
  await page.fill("#c-3-thresholdDb", "-24");
  await page.click("#play");
  await page.waitForFunction(
    () => Number.isFinite(Number.parseFloat(document.getElementById("momentary").textContent)),
    null,
    { timeout: 30000 },
  );
  await page.fill("#c-4-ceilingDbtp", "-2");
  await page.waitForTimeout(600);
  const shown = await page.evaluate(() => ({
    momentary: document.getElementById("momentary").textContent,
    truePeak: document.getElementById("true-peak").textContent,
    status: document.getElementById("status").textContent,
  }));
  assert.match(shown.status, /Playing through the master chain/);
  assert.ok(Number.parseFloat(shown.momentary) < 0, `momentary ${shown.momentary}`);
  await page.screenshot({ path: join(artifacts, "example-page.png"), fullPage: true });
  // Offline: master the file, normalized to Spotify's target, into a 24-bit WAV download.
  await page.selectOption("#preset", "spotify");
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60000 }), page.click("#master")]);
  assert.equal(download.suggestedFilename(), "tone-master.wav");
  const saved = join(artifacts, "tone-master.wav");
  await download.saveAs(saved);
  const got = readWav(readFileSync(saved));
  assert.equal(got.rate, 44100);
  assert.equal(got.bits, 24);
  assert.equal(got.channels[0].length, 44100 * 3, "latency compensated: as long as the input");
  const m = measure(got.channels, got.rate);
  assert.ok(Math.abs(m.integratedLufs + 14) < 0.2, `mastered to ${m.integratedLufs} LUFS`);
  assert.ok(m.truePeakDbtp <= -1 + 0.05, `true peak ${m.truePeakDbtp}`);
  await page.waitForFunction(() => /Done in/.test(document.getElementById("master-status").textContent));
  await page.screenshot({ path: join(artifacts, "example-page-mastered.png"), fullPage: true });
  assert.ok(statSync(join(artifacts, "example-page.png")).size > 10000);
  await page.close();
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(problems.slice(errorsBefore), [], "console errors");
});

test("no console errors in the test pages", () => {
  assert.deepEqual(problems, []);
});
