// spec: specs/ptycho.md §6 — reconstruction.png: every panel titled, every row with its colour bar and range.
import { describe, expect, it } from 'vitest';
import { drawText, textSize } from '../../src/physics/ptycho/pixel-font.ts';
import { figureGrid } from '../../src/physics/ptycho/png.ts';

const n = 8;
const ramp = Float64Array.from({ length: n * n }, (_, i) => (i % n) / (n - 1));
const rows = [
  { panels: [{ title: 'amplitude, predicted', values: ramp, rows: n, cols: n }, { title: 'amplitude, true', values: ramp, rows: n, cols: n }], range: [0, 1] as const },
  { panels: [{ title: 'phase (rad), predicted', values: ramp, rows: n, cols: n }, { title: 'phase (rad), true', values: ramp, rows: n, cols: n }], range: [-3.14, 3.14] as const },
];

/** The image's pixels in a rectangle, as one string of '#' (dark) and '.' per row, to compare with drawn text. */
function ink(img: { pixels: Uint8Array; width: number }, left: number, top: number, w: number, h: number): string[] {
  return Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => (img.pixels[(top + r) * img.width + left + c] < 128 ? '#' : '.')).join(''));
}

function rendered(text: string): string[] {
  const { width, height } = textSize(text, 2);
  const pixels = new Uint8Array(width * height).fill(255);
  drawText(pixels, width, text, 0, 0, 2);
  return ink({ pixels, width }, 0, 0, width, height);
}

describe('reconstruction.png', () => {
  const img = figureGrid(rows, 4);
  const [gutter, textH, cell] = [8, 10, n * 4];

  it('titles every panel above its image', () => {
    const columnW = Math.max(cell, textSize('phase (rad), predicted', 2).width);
    const title = (text: string, row: number, col: number) => ink(img, gutter + col * (columnW + gutter), gutter + row * (textH + gutter / 2 + cell + gutter), textSize(text, 2).width, textH);
    expect(title('amplitude, predicted', 0, 0)).toStrictEqual(rendered('amplitude, predicted'));
    expect(title('amplitude, true', 0, 1)).toStrictEqual(rendered('amplitude, true'));
    expect(title('phase (rad), true', 1, 1)).toStrictEqual(rendered('phase (rad), true'));
  });

  it('ends every row with a framed colour bar from white (the high end) to black, labelled with both ends', () => {
    const columnW = Math.max(cell, textSize('phase (rad), predicted', 2).width);
    const barLeft = gutter + 2 * (columnW + gutter);
    const imageTop = gutter + textH + gutter / 2;
    const column = Array.from({ length: cell }, (_, r) => img.pixels[(imageTop + r) * img.width + barLeft + 7]);
    expect([column[0], column[cell - 1]]).toStrictEqual([0, 0]); // the frame
    expect(column[1]).toBeGreaterThan(240);
    expect(column[cell - 2]).toBeLessThan(15);
    for (let r = 2; r < cell - 1; r++) expect(column[r]).toBeLessThanOrEqual(column[r - 1]);
    const labelLeft = barLeft + 14 + gutter / 2;
    expect(ink(img, labelLeft, imageTop, textSize('1.00', 2).width, textH)).toStrictEqual(rendered('1.00'));
    const phaseTop = imageTop + textH + gutter / 2 + cell + gutter;
    expect(ink(img, labelLeft, phaseTop + cell - textH, textSize('-3.14', 2).width, textH)).toStrictEqual(rendered('-3.14'));
  });

  it('refuses text its font cannot draw, naming the character', () => {
    expect(() => rendered('phase φ')).toThrow(/no glyph for "φ"/);
  });
});
