import { deflateSync } from 'node:zlib';
import { crc32 } from '../../data/zip.ts';
import { drawText, textSize } from './pixel-font.ts';

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
  readonly title: string;
  readonly values: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Panels in one row of the figure share a grey range, shown by the colour bar at the row's end. */
export interface PanelRow {
  readonly panels: readonly Panel[];
  /** Values at or beyond map to black / white. */
  readonly range: readonly [number, number];
}

const GUTTER = 8;
const TEXT_SCALE = 2;
const BAR_WIDTH = 14;

/**
 * A grey figure: rows of panels, each pixel repeated `zoom` times, each panel titled above, and at the end of each
 * row a colour bar (black = the range's low end, white = its high end) labelled with both ends. Panels of one row
 * share the range, so equal values are equal greys.
 */
export function figureGrid(rows: readonly PanelRow[], zoom: number): { pixels: Uint8Array; width: number; height: number } {
  const label = (v: number) => v.toPrecision(3);
  const text = textSize('x', TEXT_SCALE).height;
  const cellW = Math.max(...rows.flatMap((r) => r.panels.map((p) => p.cols))) * zoom;
  const cellH = Math.max(...rows.flatMap((r) => r.panels.map((p) => p.rows))) * zoom;
  const perRow = Math.max(...rows.map((r) => r.panels.length));
  const labelW = Math.max(...rows.flatMap((r) => r.range.map((v) => textSize(label(v), TEXT_SCALE).width)));
  const titleW = Math.max(...rows.flatMap((r) => r.panels.map((p) => textSize(p.title, TEXT_SCALE).width)));
  const columnW = Math.max(cellW, titleW);
  const rowH = text + GUTTER / 2 + cellH;
  const width = GUTTER + perRow * (columnW + GUTTER) + BAR_WIDTH + GUTTER / 2 + labelW + GUTTER;
  const height = GUTTER + rows.length * (rowH + GUTTER);
  const pixels = new Uint8Array(width * height).fill(255);
  const grey = (v: number, [lo, hi]: readonly [number, number]) => Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo || 1))));
  rows.forEach((row, i) => {
    const top = GUTTER + i * (rowH + GUTTER);
    const imageTop = top + text + GUTTER / 2;
    row.panels.forEach((p, k) => {
      const left = GUTTER + k * (columnW + GUTTER);
      drawText(pixels, width, p.title, left, top, TEXT_SCALE);
      for (let r = 0; r < p.rows * zoom; r++) {
        for (let c = 0; c < p.cols * zoom; c++) pixels[(imageTop + r) * width + left + c] = grey(p.values[Math.floor(r / zoom) * p.cols + Math.floor(c / zoom)], row.range);
      }
    });
    // The colour bar: the range's high end at the top, framed so its white end is visible on the white page.
    const barLeft = GUTTER + perRow * (columnW + GUTTER);
    for (let r = 0; r < cellH; r++) {
      for (let c = 0; c < BAR_WIDTH; c++) {
        const edge = r === 0 || r === cellH - 1 || c === 0 || c === BAR_WIDTH - 1;
        pixels[(imageTop + r) * width + barLeft + c] = edge ? 0 : Math.round(255 * (1 - r / (cellH - 1)));
      }
    }
    const labelLeft = barLeft + BAR_WIDTH + GUTTER / 2;
    drawText(pixels, width, label(row.range[1]), labelLeft, imageTop, TEXT_SCALE);
    drawText(pixels, width, label(row.range[0]), labelLeft, imageTop + cellH - text, TEXT_SCALE);
  });
  return { pixels, width, height };
}
