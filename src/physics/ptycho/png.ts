import { deflateSync } from 'node:zlib';
import { crc32 } from '../../data/zip.ts';

/**
 * A minimal PNG writer (8-bit grayscale, filter 0 per row, one IDAT) for reconstruction images, using Node's zlib:
 * no image dependency. PNG's chunk CRC is the same CRC-32 that zip uses.
 */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  if (pixels.length !== width * height) throw new RangeError(`a ${width}×${height} image needs ${width * height} pixels, got ${pixels.length}`);
  const raw = new Uint8Array((width + 1) * height);
  for (let r = 0; r < height; r++) raw.set(pixels.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, colour type 0 (gray), deflate, filter 0, no interlace
  const chunks = [chunk('IHDR', header), chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array(0))];
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  const out = new Uint8Array(signature.length + chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const part of [signature, ...chunks]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const typed = new TextEncoder().encode(type);
  out.set(typed, 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export interface Panel {
  readonly values: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Grey-level range: values at or beyond map to black / white. */
  readonly range: readonly [number, number];
}

/**
 * Panels laid out in a grid (row-major, `perRow` per row), each pixel repeated `zoom` times, 4-pixel white gutters.
 * Panels that should be compared share a range, so equal values are equal greys.
 */
export function panelGrid(panels: readonly Panel[], perRow: number, zoom: number): { pixels: Uint8Array; width: number; height: number } {
  const gutter = 4;
  const cellW = Math.max(...panels.map((p) => p.cols)) * zoom;
  const cellH = Math.max(...panels.map((p) => p.rows)) * zoom;
  const rowsOfPanels = Math.ceil(panels.length / perRow);
  const width = perRow * cellW + (perRow + 1) * gutter;
  const height = rowsOfPanels * cellH + (rowsOfPanels + 1) * gutter;
  const pixels = new Uint8Array(width * height).fill(255);
  panels.forEach((p, k) => {
    const left = gutter + (k % perRow) * (cellW + gutter);
    const top = gutter + Math.floor(k / perRow) * (cellH + gutter);
    const [lo, hi] = p.range;
    for (let r = 0; r < p.rows * zoom; r++) {
      for (let c = 0; c < p.cols * zoom; c++) {
        const v = p.values[Math.floor(r / zoom) * p.cols + Math.floor(c / zoom)];
        pixels[(top + r) * width + left + c] = Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo || 1))));
      }
    }
  });
  return { pixels, width, height };
}
