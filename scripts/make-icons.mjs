#!/usr/bin/env node
// Draws the Chorus icons — three overlapping voices — and writes them as PNGs
// with nothing but node:zlib, so no image tool is needed. The PNGs are committed;
// run this again only after changing the drawing:  node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resources = join(root, 'resources');

// ---------------------------------------------------------------- drawing ----
// A scene is drawn in unit coordinates (0..1 on both axes, y down). Each pixel
// averages samples × samples points, which is all the anti-aliasing needed.

const hex = (value) => [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16) / 255);

/** Left, right, then the middle voice on top, slightly larger and higher. */
const VOICES = [
  { x: 0.31, y: 0.545, r: 0.15, color: hex('#ff8a7a') },
  { x: 0.69, y: 0.545, r: 0.15, color: hex('#5eead4') },
  { x: 0.5, y: 0.465, r: 0.18, color: hex('#ffffff') },
];
const VOICES_BOX = { left: 0.16, right: 0.84, top: 0.285, bottom: 0.705 };

function insideRoundedSquare(x, y, margin, radius) {
  const lo = margin;
  const hi = 1 - margin;
  if (x < lo || x > hi || y < lo || y > hi) return false;
  const cx = Math.min(Math.max(x, lo + radius), hi - radius);
  const cy = Math.min(Math.max(y, lo + radius), hi - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/**
 * The colour (RGBA, 0..1, not premultiplied) at one point.
 * options.background: null for a transparent icon, else { margin, radius, from, to }.
 * options.gap: width of the cut around each voice, in unit coordinates.
 * options.monochrome: paint every voice in this colour (template images).
 * options.fit: scale the voices to fill the canvas (small tray icons).
 */
function sceneColor(x, y, options) {
  const { background, gap, monochrome, fit } = options;
  let vx = x;
  let vy = y;
  if (fit) {
    // Map the canvas onto the voices' bounding box, centred, keeping proportions.
    const width = VOICES_BOX.right - VOICES_BOX.left;
    const height = VOICES_BOX.bottom - VOICES_BOX.top;
    const scale = Math.max(width, height) / (1 - 2 * fit);
    vx = VOICES_BOX.left + width / 2 + (x - 0.5) * scale;
    vy = VOICES_BOX.top + height / 2 + (y - 0.5) * scale;
  }

  let under = [0, 0, 0, 0];
  if (background && insideRoundedSquare(x, y, background.margin, background.radius)) {
    const t = Math.min(Math.max((x + y) / 2, 0), 1); // top-left to bottom-right
    const rgb = background.from.map((c, i) => c + (background.to[i] - c) * t);
    under = [...rgb, 1];
  }

  let color = under;
  for (const voice of VOICES) {
    const d2 = (vx - voice.x) ** 2 + (vy - voice.y) ** 2;
    // The cut shows what is under the voices (the background or nothing), which
    // keeps each voice readable where they overlap, even at 16 pixels.
    if (d2 <= voice.r ** 2) color = [...(monochrome ?? voice.color), 1];
    else if (d2 <= (voice.r + gap) ** 2) color = under;
  }
  return color;
}

function render(size, options, samples = size >= 256 ? 4 : 8) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [cr, cg, cb, ca] = sceneColor((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, options);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const o = (py * size + px) * 4;
      const n = samples * samples;
      pixels[o] = a ? Math.round((r / a) * 255) : 0;
      pixels[o + 1] = a ? Math.round((g / a) * 255) : 0;
      pixels[o + 2] = a ? Math.round((b / a) * 255) : 0;
      pixels[o + 3] = Math.round((a / n) * 255);
    }
  }
  return pixels;
}

// ------------------------------------------------------------ PNG writer ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA, 8 bits per channel, no interlace; each row gets filter type 0. */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: truecolour with alpha
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ----------------------------------------------------------------- icons ----

const BRAND_FROM = hex('#7c5cff');
const BRAND_TO = hex('#4338ca');

/** App icon on Apple's grid (824/1024 body, ~22% corner); electron-builder derives .icns/.ico. */
const appIcon = {
  background: { margin: 100 / 1024, radius: 185 / 1024, from: BRAND_FROM, to: BRAND_TO },
  gap: 0.02,
};
/** Coloured tray icon for Windows and Linux: full bleed, bigger voices. */
const colourTray = {
  background: { margin: 0.02, radius: 0.2, from: BRAND_FROM, to: BRAND_TO },
  gap: 0.03,
  fit: 0.12,
};
/** macOS template: black and alpha only; the system tints it for the menu bar. */
const templateTray = { background: null, gap: 0.045, monochrome: [0, 0, 0], fit: 0.02 };

const outputs = [
  ['icon.png', 1024, appIcon],
  ['tray/tray.png', 32, colourTray],
  ['tray/trayTemplate.png', 16, templateTray],
  ['tray/trayTemplate@2x.png', 32, templateTray],
];

for (const [name, size, options] of outputs) {
  const file = join(resources, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, encodePng(size, render(size, options)));
  console.log(`${name}  ${size}x${size}`);
}
