import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { decodePng, type Pixels } from './png-pixels.ts';

/** Headless Chromium for screenshot tests; CI installs Debian's `chromium`. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Why screenshot tests cannot run here (printed once), or undefined when they can. */
export function missingChromium(label: string): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM=<path>)`;
  console.warn(`[${label}] SKIPPED: ${reason}`);
  return reason;
}

/**
 * Screenshot `page` (an HTML file) into `png` with flags that work in containers without a GPU or network, and
 * decode it. `size` is the window, e.g. [1200, 900]: the screenshot shows what fits in it.
 */
export async function screenshot(page: string, png: string, size: readonly [number, number] = [1200, 900]): Promise<Pixels> {
  await execa(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'tandem-chromium-'))}`,
    `--screenshot=${png}`, `--window-size=${size.join(',')}`, `file://${page}`,
  ], { timeout: 60_000 });
  return decodePng(readFileSync(png));
}
