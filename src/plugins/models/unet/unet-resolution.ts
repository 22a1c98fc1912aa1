const AXIS_NAMES = ['x', 'y'];

/**
 * A U-Net with L levels halves the grid L−1 times and doubles it back, so every spatial size must be a multiple
 * of 2^(L−1) for the skip connections to line up. Returns one sentence per offending axis, naming the nearest
 * valid sizes and the most levels the size allows, or [] when the grid fits.
 */
export function unetResolutionProblems(spatial: readonly number[], levels: number): string[] {
  const factor = 2 ** (levels - 1);
  return spatial.flatMap((n, k) => {
    if (n % factor === 0) return [];
    const below = Math.floor(n / factor) * factor;
    const above = below + factor;
    let most = 1;
    while (n % 2 ** most === 0) most++;
    const nearest = below > 0 ? `${below} or ${above}` : `${above}`;
    return [`resolution ${n} along ${AXIS_NAMES[k]} is not divisible by 2^(levels−1) = ${factor} (levels ${levels} halve it ${levels - 1} times); the nearest valid sizes are ${nearest}, or use levels ≤ ${most}`];
  });
}
