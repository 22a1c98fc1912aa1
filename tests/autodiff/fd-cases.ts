import { describe, expect, it } from 'vitest';
import { fdCheck, type FdCase, type fdCheckSecondOrder } from './fd-helpers.ts';

/** A named finite-difference case; `fd-*.test.ts` files run tables of these. */
export type NamedCase = FdCase & { readonly name: string };

/** float32 checks (ops ORT CPU runs only in float32): a larger step and looser tolerances. */
export const F32 = { dtype: 'float32', eps: 1e-2, rtol: 3e-2, atol: 2e-3 } as const;

/** One test per case: autodiff's directional derivative must match central differences on ORT. */
export function describeCases(title: string, cases: readonly NamedCase[], check: typeof fdCheckSecondOrder = fdCheck): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const r = await check(c);
        expect(r.ok, r.summary).toBe(true);
      });
    }
  });
}
