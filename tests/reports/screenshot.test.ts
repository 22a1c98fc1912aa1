// spec: specs/parity-report.md §3 (report.html renders in a browser: self-contained, plots visible)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/reports/report-html.ts';
import { parityOnlyInput } from '../../src/reports/report-input.ts';
import { missingChromium, screenshot as shoot } from './chromium.ts';
import { fixtureReport } from './parity-fixture.ts';
import { countColour, type Pixels } from './png-pixels.ts';

const hasChromium = !missingChromium('tests/reports/screenshot.test.ts');

const work = mkdtempSync(join(tmpdir(), 'tandem-shot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Open `html` in headless Chromium and decode the PNG. */
async function screenshot(name: string, html: string): Promise<Pixels> {
  const page = join(work, `${name}.html`);
  writeFileSync(page, html);
  return shoot(page, join(work, `${name}.png`));
}

const BACKEND_BLUE = [0x4c, 0x78, 0xa8] as const;
const BACKEND_ORANGE = [0xf5, 0x85, 0x18] as const;
const FAIL_RED = [0xcf, 0x22, 0x2e] as const;

describe.skipIf(!hasChromium)('report.html in headless Chromium', () => {
  it('renders the verdict, the failing cells and the plots (backend line colours on screen)', async () => {
    const { html } = await renderHtml(parityOnlyInput(fixtureReport()));
    const shot = await screenshot('failing', html);
    expect([shot.width, shot.height]).toStrictEqual([1200, 900]);
    const white = countColour(shot, [255, 255, 255], 3);
    expect(1 - white / (shot.width * shot.height)).toBeGreaterThan(0.05);
    // Each backend has its own colour in every plot; both must be drawn, and the FAIL badge and cells in red.
    expect(countColour(shot, BACKEND_BLUE, 30)).toBeGreaterThan(150);
    expect(countColour(shot, BACKEND_ORANGE, 30)).toBeGreaterThan(150);
    expect(countColour(shot, FAIL_RED, 30)).toBeGreaterThan(100);
  });

  it('the same checks fail on a page without plots, so they measure the plots', async () => {
    const { html } = await renderHtml(parityOnlyInput(fixtureReport()));
    const withoutPlots = html.replace(/<svg[\s\S]*?<\/svg>/g, '');
    const shot = await screenshot('no-plots', withoutPlots);
    expect(countColour(shot, BACKEND_BLUE, 30)).toBeLessThan(20);
    expect(countColour(shot, BACKEND_ORANGE, 30)).toBeLessThan(20);
  });
});
