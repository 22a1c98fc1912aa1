/**
 * A 3 × 5 pixel font for the titles and colour-bar labels of reconstruction.png (no font or image library here).
 * Each glyph is five rows, top to bottom, of three bits (4 = left column, 1 = right); capitals share the
 * lower-case glyphs. Drawn at an integer scale, one blank column between glyphs.
 */
const GLYPHS: Record<string, readonly number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 3, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 2, 2], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  a: [2, 5, 7, 5, 5], b: [6, 5, 6, 5, 6], c: [3, 4, 4, 4, 3], d: [6, 5, 5, 5, 6], e: [7, 4, 6, 4, 7],
  f: [7, 4, 6, 4, 4], g: [3, 4, 5, 5, 3], h: [5, 5, 7, 5, 5], i: [7, 2, 2, 2, 7], j: [1, 1, 1, 5, 2],
  k: [5, 5, 6, 5, 5], l: [4, 4, 4, 4, 7], m: [5, 7, 7, 5, 5], n: [6, 5, 5, 5, 5], o: [2, 5, 5, 5, 2],
  p: [6, 5, 6, 4, 4], q: [2, 5, 5, 6, 3], r: [6, 5, 6, 5, 5], s: [3, 4, 2, 1, 6], t: [7, 2, 2, 2, 2],
  u: [5, 5, 5, 5, 7], v: [5, 5, 5, 5, 2], w: [5, 5, 7, 7, 5], x: [5, 5, 2, 5, 5], y: [5, 5, 2, 2, 2],
  z: [7, 1, 2, 4, 7], ' ': [0, 0, 0, 0, 0], '.': [0, 0, 0, 0, 2], ',': [0, 0, 0, 2, 4], '-': [0, 0, 7, 0, 0],
  '+': [0, 2, 7, 2, 0], '(': [1, 2, 2, 2, 1], ')': [4, 2, 2, 2, 4], ':': [0, 2, 0, 2, 0], '/': [1, 1, 2, 4, 4],
  '=': [0, 7, 0, 7, 0], '|': [2, 2, 2, 2, 2],
};
const [GLYPH_W, GLYPH_H] = [3, 5];

/** Width and height in pixels of `text` at `scale`. */
export function textSize(text: string, scale: number): { width: number; height: number } {
  return { width: Math.max(0, text.length * (GLYPH_W + 1) - 1) * scale, height: GLYPH_H * scale };
}

/** Draws `text` with its top-left corner at (left, top) into a grey image, in grey level `ink`. */
export function drawText(pixels: Uint8Array, width: number, text: string, left: number, top: number, scale: number, ink = 0): void {
  [...text.toLowerCase()].forEach((ch, k) => {
    const glyph = GLYPHS[ch];
    if (!glyph) throw new RangeError(`the reconstruction image font has no glyph for ${JSON.stringify(ch)} (in ${JSON.stringify(text)})`);
    const x0 = left + k * (GLYPH_W + 1) * scale;
    for (let r = 0; r < GLYPH_H * scale; r++) {
      for (let c = 0; c < GLYPH_W * scale; c++) {
        if (glyph[Math.floor(r / scale)] & (4 >> Math.floor(c / scale))) pixels[(top + r) * width + x0 + c] = ink;
      }
    }
  });
}
