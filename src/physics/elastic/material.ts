/**
 * An isotropic linear-elastic material (plane strain): Lamé parameters λ, μ and density ρ. Wave speeds follow
 * from them: the P wave c_p = √((λ + 2μ)/ρ), the S wave c_s = √(μ/ρ).
 */
export interface Material {
  readonly lambda: number;
  readonly mu: number;
  readonly rho: number;
}

export const MATERIAL_KEYS = ['lambda', 'mu', 'rho'] as const;
export type MaterialKey = (typeof MATERIAL_KEYS)[number];

export const pWaveSpeed = (m: Material): number => Math.sqrt((m.lambda + 2 * m.mu) / m.rho);
export const sWaveSpeed = (m: Material): number => Math.sqrt(m.mu / m.rho);

/**
 * Refuses a material no elastic medium has, before anything is built: λ must be ≥ 0 (a negative λ is allowed by
 * thermodynamics down to −μ, but in practice it is a sign error in a config), μ and ρ must be > 0.
 * `where` names the config section the values came from, e.g. `adapter.params.material`.
 */
export function checkMaterial(m: Partial<Record<MaterialKey, number>>, where: string): void {
  for (const key of MATERIAL_KEYS) {
    const v = m[key];
    if (v === undefined) continue;
    if (!Number.isFinite(v)) throw new Error(`${where}.${key} is ${v}; give a finite number`);
    if (key === 'lambda' ? v < 0 : v <= 0) {
      const need = key === 'lambda' ? '≥ 0' : '> 0';
      throw new Error(`${where}.${key} is ${v}, but ${describe(key)} must be ${need}; check the sign and the units`);
    }
  }
}

function describe(key: MaterialKey): string {
  return key === 'lambda' ? 'the Lamé parameter λ' : key === 'mu' ? 'the shear modulus μ' : 'the density ρ';
}
