// A minimal UTF-8 TextEncoder/TextDecoder for scopes that have none (the AudioWorklet global
// scope): the wasm-bindgen glue builds both when it loads and uses them for strings (kind
// names, settings, error messages; never per render quantum). Installs nothing where the
// scope has its own.

class Utf8Decoder {
  get encoding() {
    return "utf-8";
  }

  decode(input) {
    if (input === undefined || input === null) return "";
    const b =
      input instanceof Uint8Array
        ? input
        : ArrayBuffer.isView(input)
          ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
          : new Uint8Array(input);
    let out = "";
    const units = [];
    for (let i = 0; i < b.length; ) {
      const x = b[i];
      let cp = 0xfffd;
      let n = 1;
      if (x < 0x80) {
        cp = x;
      } else if (x >= 0xc2 && x < 0xe0 && i + 1 < b.length) {
        cp = ((x & 0x1f) << 6) | (b[i + 1] & 0x3f);
        n = 2;
      } else if (x >= 0xe0 && x < 0xf0 && i + 2 < b.length) {
        cp = ((x & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
        n = 3;
      } else if (x >= 0xf0 && x < 0xf5 && i + 3 < b.length) {
        cp =
          ((x & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
        n = 4;
      }
      if (cp > 0xffff) {
        cp -= 0x10000;
        units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        units.push(cp);
      }
      i += n;
      if (units.length >= 4096) {
        out += String.fromCharCode.apply(null, units);
        units.length = 0;
      }
    }
    return out + String.fromCharCode.apply(null, units);
  }
}

/** The UTF-8 bytes of code point `cp` into `dst` at `at` (room checked by the caller). */
function put(cp, dst, at) {
  if (cp < 0x80) {
    dst[at] = cp;
    return 1;
  }
  if (cp < 0x800) {
    dst[at] = 0xc0 | (cp >> 6);
    dst[at + 1] = 0x80 | (cp & 0x3f);
    return 2;
  }
  if (cp < 0x10000) {
    dst[at] = 0xe0 | (cp >> 12);
    dst[at + 1] = 0x80 | ((cp >> 6) & 0x3f);
    dst[at + 2] = 0x80 | (cp & 0x3f);
    return 3;
  }
  dst[at] = 0xf0 | (cp >> 18);
  dst[at + 1] = 0x80 | ((cp >> 12) & 0x3f);
  dst[at + 2] = 0x80 | ((cp >> 6) & 0x3f);
  dst[at + 3] = 0x80 | (cp & 0x3f);
  return 4;
}

function codePointAt(s, i) {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d < 0xe000) return [0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), 2];
  }
  if (c >= 0xd800 && c < 0xe000) return [0xfffd, 1];
  return [c, 1];
}

class Utf8Encoder {
  get encoding() {
    return "utf-8";
  }

  encode(s = "") {
    const str = String(s);
    const tmp = new Uint8Array(str.length * 3);
    let w = 0;
    for (let i = 0; i < str.length; ) {
      const [cp, units] = codePointAt(str, i);
      w += put(cp, tmp, w);
      i += units;
    }
    return tmp.slice(0, w);
  }

  encodeInto(s, dst) {
    const str = String(s);
    let read = 0;
    let written = 0;
    const one = new Uint8Array(4);
    while (read < str.length) {
      const [cp, units] = codePointAt(str, read);
      const n = put(cp, one, 0);
      if (written + n > dst.length) break;
      dst.set(one.subarray(0, n), written);
      written += n;
      read += units;
    }
    return { read, written };
  }
}

if (typeof globalThis.TextDecoder === "undefined") globalThis.TextDecoder = Utf8Decoder;
if (typeof globalThis.TextEncoder === "undefined") globalThis.TextEncoder = Utf8Encoder;

export { Utf8Decoder, Utf8Encoder };
