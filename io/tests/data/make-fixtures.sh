#!/usr/bin/env bash
# Regenerates the encoded test files (not run by the tests; the files are committed). Needs
# python3 and Debian's `flac`, `lame` and `vorbis-tools` packages. The signal is the one the
# tests compute: 1.5 s of 48 kHz stereo 16-bit, a 1 kHz sine at -20 dBFS on the left and the
# same sine one radian ahead on the right.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import math, struct, wave
fs, n = 48000, 72000
a = 10 ** (-20 / 20)
frames = bytearray()
for i in range(n):
    for c in range(2):
        v = a * math.sin(2 * math.pi * 1000 * i / fs + c)
        frames += struct.pack('<h', int(round(v * 32767)))
with wave.open('sine.wav', 'wb') as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(fs); w.writeframes(bytes(frames))
# AIFF is big-endian PCM in FORM/AIFF with COMM and SSND chunks; the rate is an 80-bit float.
def ext80(x):
    e = math.frexp(x)[1]
    m = int(x * 2 ** (64 - e))
    return struct.pack('>HQ', 16383 + e - 1, m)
be = bytearray()
for i in range(0, len(frames), 2):
    be += frames[i:i+2][::-1]
comm = struct.pack('>hIh', 2, n, 16) + ext80(fs)
ssnd = struct.pack('>II', 0, 0) + bytes(be)
body = b'AIFF' + b'COMM' + struct.pack('>I', len(comm)) + comm + b'SSND' + struct.pack('>I', len(ssnd)) + ssnd
open('sine.aiff', 'wb').write(b'FORM' + struct.pack('>I', len(body)) + body)
PY
flac -s -f --best -o sine.flac sine.wav
lame --quiet -b 192 sine.wav sine.mp3
oggenc -Q -q 6 -o sine.ogg sine.wav
rm sine.wav
