// Types of wav.js.
import type { Audio } from "./mixmaster.js";

/**
 * Encodes channels (Float32Array[] or an AudioBuffer) as a WAV file. `bitDepth`: 16 or 24
 * (PCM, rounded and clipped) or 32 (IEEE float); default 24.
 */
export declare function encodeWav(
  audio: Audio,
  sampleRate?: number,
  options?: { bitDepth?: 16 | 24 | 32 },
): ArrayBuffer;
