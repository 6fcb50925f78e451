import { deflateSync } from 'node:zlib';

/**
 * The pictures simulated customers attach, drawn here as small PNGs (no image files, no dataset): a parcel
 * crushed in transit, a phone showing an error, a receipt charged twice, a router blinking red. GIF and
 * video posters are the same pictures with a play mark. Cached once drawn.
 */

export const SANDBOX_IMAGES = ['parcel', 'screen', 'receipt', 'router'] as const;
export type SandboxImage = (typeof SANDBOX_IMAGES)[number];

export const IMAGE_WIDTH = 480;
export const IMAGE_HEIGHT = 360;

type Rgb = readonly [number, number, number];

class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.rect(0, 0, width, height, background);
  }

  set(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (Math.floor(y) * this.width + Math.floor(x)) * 3;
    this.pixels[i] = c[0];
    this.pixels[i + 1] = c[1];
    this.pixels[i + 2] = c[2];
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.max(0, y); j < Math.min(this.height, y + h); j++) {
      for (let i = Math.max(0, x); i < Math.min(this.width, x + w); i++) this.set(i, j, c);
    }
  }

  disc(cx: number, cy: number, r: number, c: Rgb): void {
    for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) if (i * i + j * j <= r * r) this.set(cx + i, cy + j, c);
  }

  /** A thick segment, drawn as discs along its length. */
  line(x0: number, y0: number, x1: number, y1: number, thickness: number, c: Rgb): void {
    const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0));
    for (let s = 0; s <= steps; s++) {
      const t = steps === 0 ? 0 : s / steps;
      this.disc(Math.round(x0 + (x1 - x0) * t), Math.round(y0 + (y1 - y0) * t), thickness, c);
    }
  }

  /** A right-pointing triangle (the play mark of a GIF or video poster). */
  play(cx: number, cy: number, size: number, c: Rgb): void {
    for (let j = -size; j <= size; j++) {
      const half = Math.round((size - Math.abs(j)) * 1.2);
      this.rect(cx - Math.round(size * 0.6), cy + j, half, 1, c);
    }
  }
}

const DRAW: Record<SandboxImage, (c: Canvas) => void> = {
  parcel(c) {
    c.rect(0, 250, c.width, 110, [170, 160, 150]);
    c.rect(120, 110, 240, 160, [196, 148, 92]);
    c.rect(120, 110, 240, 24, [176, 128, 74]);
    c.rect(228, 110, 24, 160, [226, 206, 150]);
    // The crushed corner and the tear.
    c.line(300, 110, 360, 170, 6, [120, 84, 46]);
    c.line(150, 180, 200, 230, 4, [90, 60, 30]);
    c.line(200, 230, 180, 262, 4, [90, 60, 30]);
  },
  screen(c) {
    c.rect(150, 30, 180, 300, [34, 34, 40]);
    c.rect(162, 54, 156, 250, [236, 238, 242]);
    c.rect(162, 120, 156, 56, [214, 48, 49]);
    c.line(220, 136, 260, 160, 4, [255, 255, 255]);
    c.line(260, 136, 220, 160, 4, [255, 255, 255]);
    for (let k = 0; k < 4; k++) c.rect(176, 196 + k * 22, 128 - k * 18, 10, [170, 174, 184]);
  },
  receipt(c) {
    c.rect(150, 20, 180, 320, [252, 252, 250]);
    for (let k = 0; k < 10; k++) c.rect(166, 44 + k * 26, k % 3 === 0 ? 148 : 110, 8, [150, 150, 150]);
    // The same line twice, circled.
    for (let a = 0; a < 360; a += 2) {
      const r = (a * Math.PI) / 180;
      c.disc(240 + Math.round(Math.cos(r) * 92), 178 + Math.round(Math.sin(r) * 34), 2, [214, 48, 49]);
    }
  },
  router(c) {
    c.rect(0, 260, c.width, 100, [120, 110, 100]);
    c.rect(110, 170, 260, 90, [28, 28, 32]);
    c.line(150, 170, 130, 60, 4, [28, 28, 32]);
    c.line(330, 170, 350, 60, 4, [28, 28, 32]);
    c.disc(160, 215, 9, [214, 48, 49]);
    c.disc(200, 215, 9, [60, 60, 66]);
    c.disc(240, 215, 9, [60, 60, 66]);
  },
};

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGB PNG: signature, IHDR, one IDAT (each row prefixed with filter 0), IEND. */
function encodePng(canvas: Canvas): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(canvas.width, 0);
  header.writeUInt32BE(canvas.height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const stride = canvas.width * 3;
  const raw = Buffer.alloc((stride + 1) * canvas.height);
  for (let y = 0; y < canvas.height; y++) {
    Buffer.from(canvas.pixels.buffer, y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const cache = new Map<string, Buffer>();

/** The picture as PNG bytes; `poster` adds the play mark GIFs and videos show before they start. */
export function sandboxImagePng(image: SandboxImage, poster = false): Buffer {
  const key = `${image}:${poster}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const canvas = new Canvas(IMAGE_WIDTH, IMAGE_HEIGHT, [222, 228, 236]);
  DRAW[image](canvas);
  if (poster) {
    canvas.disc(IMAGE_WIDTH / 2, IMAGE_HEIGHT / 2, 44, [20, 23, 26]);
    canvas.play(IMAGE_WIDTH / 2 + 4, IMAGE_HEIGHT / 2, 24, [255, 255, 255]);
  }
  const png = encodePng(canvas);
  cache.set(key, png);
  return png;
}

export function isSandboxImage(value: unknown): value is SandboxImage {
  return SANDBOX_IMAGES.includes(value as SandboxImage);
}
