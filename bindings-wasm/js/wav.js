// WAV files from Float32Array channels: 16- or 24-bit PCM (rounded, clipped to full scale) or
// 32-bit float. A file format, not DSP: put a Dither stage last in the chain before writing
// 16 bits.

/**
 * Encodes channels (Float32Array[] or an AudioBuffer) as a WAV file: an ArrayBuffer.
 * `bitDepth`: 16, 24 (PCM) or 32 (IEEE float); default 24.
 */
export function encodeWav(audio, sampleRate, { bitDepth = 24 } = {}) {
  let channels = audio;
  if (audio && typeof audio.getChannelData === "function") {
    channels = [];
    for (let c = 0; c < audio.numberOfChannels; c++) channels.push(audio.getChannelData(c));
    sampleRate ??= audio.sampleRate;
  }
  if (channels instanceof Float32Array) channels = [channels];
  if (!Array.isArray(channels) || channels.length === 0 || !channels.every((c) => c instanceof Float32Array)) {
    throw new TypeError("encodeWav: pass an array of Float32Array channels or an AudioBuffer");
  }
  const frames = channels[0].length;
  if (!channels.every((c) => c.length === frames)) {
    throw new Error("encodeWav: all channels must have the same length");
  }
  if (![16, 24, 32].includes(bitDepth)) {
    throw new Error(`encodeWav: bitDepth = ${bitDepth}: 16, 24 or 32`);
  }
  if (!(Number.isInteger(sampleRate) && sampleRate > 0)) {
    throw new Error(`encodeWav: sampleRate = ${sampleRate}: a whole, positive number of Hz`);
  }
  const n = channels.length;
  const bytes = bitDepth / 8;
  const dataBytes = frames * n * bytes;
  const buf = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(buf);
  const text = (at, s) => {
    for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i));
  };
  text(0, "RIFF");
  v.setUint32(4, 36 + dataBytes, true);
  text(8, "WAVE");
  text(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, bitDepth === 32 ? 3 : 1, true);
  v.setUint16(22, n, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * n * bytes, true);
  v.setUint16(32, n * bytes, true);
  v.setUint16(34, bitDepth, true);
  text(36, "data");
  v.setUint32(40, dataBytes, true);
  let at = 44;
  const full = bitDepth === 16 ? 32767 : 8388607;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < n; c++) {
      const x = channels[c][i];
      if (bitDepth === 32) {
        v.setFloat32(at, x, true);
      } else {
        const s = Number.isFinite(x) ? Math.max(-full - 1, Math.min(full, Math.round(x * full))) : 0;
        if (bitDepth === 16) {
          v.setInt16(at, s, true);
        } else {
          v.setUint8(at, s & 0xff);
          v.setUint8(at + 1, (s >> 8) & 0xff);
          v.setUint8(at + 2, (s >> 16) & 0xff);
        }
      }
      at += bytes;
    }
  }
  return buf;
}
