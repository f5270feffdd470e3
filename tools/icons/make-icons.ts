/**
 * npm run icons: draws the dashboard's app icons (the blue square with the white diamond of
 * src/web/public/icon.svg) as PNGs at 192 and 512 px, plain and maskable, into
 * src/web/public/icons/. Run once; the files are committed (no image tool to install, no
 * download). Maskable icons fill the whole square and keep the diamond inside the central
 * 80 % circle that launchers may crop to.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";

const BLUE = [0x1d, 0x4e, 0xd8];
const WHITE = [0xff, 0xff, 0xff];
const SAMPLES = 4;

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** RGBA pixels of the icon: `inside(x, y)` in unit coordinates says what covers a point. */
function draw(size: number, cover: (x: number, y: number) => "blue" | "white" | "none"): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const what = cover((x + (sx + 0.5) / SAMPLES) / size, (y + (sy + 0.5) / SAMPLES) / size);
          if (what === "none") continue;
          const colour = what === "blue" ? BLUE : WHITE;
          r += colour[0]!; g += colour[1]!; b += colour[2]!; a += 255;
        }
      }
      const n = SAMPLES * SAMPLES;
      const covered = a / 255;
      row.set(covered ? [Math.round(r / covered), Math.round(g / covered), Math.round(b / covered), Math.round(a / n)] : [0, 0, 0, 0], 1 + x * 4);
    }
    rows.push(row);
  }
  return Buffer.concat(rows);
}

function png(size: number, pixels: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(pixels, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

/** The diamond of icon.svg (points at 5/32 and 27/32), scaled by `scale` about the centre. */
function inDiamond(x: number, y: number, scale: number): boolean {
  return Math.abs(x - 0.5) + Math.abs(y - 0.5) <= (11 / 32) * scale;
}

function inRoundedSquare(x: number, y: number): boolean {
  const radius = 7 / 32;
  const dx = Math.max(radius - x, 0, x - (1 - radius));
  const dy = Math.max(radius - y, 0, y - (1 - radius));
  return dx * dx + dy * dy <= radius * radius;
}

const out = path.join(import.meta.dirname, "..", "..", "src", "web", "public", "icons");
for (const size of [192, 512]) {
  writeFileSync(path.join(out, `icon-${size}.png`), png(size, draw(size, (x, y) => (!inRoundedSquare(x, y) ? "none" : inDiamond(x, y, 1) ? "white" : "blue"))));
  // Maskable: full bleed, the diamond shrunk to sit inside the 40 %-radius safe circle.
  writeFileSync(path.join(out, `maskable-${size}.png`), png(size, draw(size, (x, y) => (inDiamond(x, y, 0.72) ? "white" : "blue"))));
}
process.stdout.write(`icons written to ${out}\n`);
