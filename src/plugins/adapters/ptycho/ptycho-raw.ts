import { validate, type DataContract, type ValidatedData } from '../../../data/contract.ts';
import { DataContractError } from '../../../data/errors.ts';
import { permute } from '../../../data/layout.ts';
import { namedTensor } from '../../../data/named-tensor.ts';
import type { RawArray, RawData } from '../../../data/raw-data.ts';
import { patchOutside } from '../../../physics/ptycho/patches.ts';

/**
 * The upstream RawData .npz contract (docs/reference/seed-systems.md §1.1), with the known format problems of §5.5 handled
 * explicitly: the `diffraction` key (DATA-001) as an alias of `diff3d`, the (H, W, N) layout (FORMAT-001) converted
 * BY NAME, and complex or intensity arrays where an amplitude is expected refused with the key and the reason.
 */
export const PTYCHO_CONTRACT: DataContract = {
  keys: {
    xcoords: { dtype: 'float64', dims: ['batch'], shape: ['n'], units: 'pixel' },
    ycoords: { dtype: 'float64', dims: ['batch'], shape: ['n'], units: 'pixel' },
    xcoords_start: { dtype: 'float64', dims: ['batch'], shape: ['n'], optional: true },
    ycoords_start: { dtype: 'float64', dims: ['batch'], shape: ['n'], optional: true },
    diff3d: { dtype: 'float32', dims: ['batch', 'x', 'y'], shape: ['n', 'N', 'N'], units: 'amplitude' },
    probeGuess: { dtype: 'complex64', dims: ['x', 'y'], shape: ['N', 'N'] },
    objectGuess: { dtype: 'complex64', dims: ['x', 'y'], shape: ['H', 'W'], optional: true },
    scan_index: { dtype: 'int64', dims: ['batch'], shape: ['n'], optional: true },
  },
};

const DIFFRACTION = 'diff3d';
const ALIAS = 'diffraction';

/** Validated RawData plus the warnings raised while converting it. */
export interface PtychoRaw {
  readonly data: ValidatedData;
  readonly warnings: readonly string[];
}

/** Checks a read .npz against the contract; `warn` receives each conversion made (also returned). */
export function validatePtychoRaw(raw: RawData, warn: (message: string) => void = () => {}): PtychoRaw {
  const warnings: string[] = [];
  const note = (m: string) => {
    warnings.push(m);
    warn(m);
  };
  const file = raw.source;
  const arrays = new Map(raw.arrays);
  if (!arrays.has(DIFFRACTION) && arrays.has(ALIAS)) {
    arrays.set(DIFFRACTION, arrays.get(ALIAS)!);
    arrays.delete(ALIAS);
    note(`${file}: reading the diffraction amplitudes from key "${ALIAS}" (the DATA-001 name) as "${DIFFRACTION}"`);
  }
  const diff = arrays.get(DIFFRACTION);
  const positions = arrays.get('xcoords');
  if (diff) {
    refuseNonAmplitude(file, diff);
    const m = positions?.shape[0];
    if (m !== undefined && diff.shape.length === 3 && diff.shape[0] !== m && diff.shape[2] === m && diff.shape[0] === diff.shape[1] && !diff.dims) {
      const t = permute(namedTensor(diff.dtype, diff.shape, ['x', 'y', 'batch'], diff.data), ['batch', 'x', 'y']);
      arrays.set(DIFFRACTION, { ...diff, shape: t.shape, data: t.data });
      note(`${file}: key "${DIFFRACTION}" is stored (H, W, N) = [${diff.shape.join(', ')}] (FORMAT-001); transposed by name to (batch, x, y) = [${t.shape.join(', ')}]`);
    }
  }
  const data = validate({ ...raw, arrays }, PTYCHO_CONTRACT);
  checkPositions(data);
  return { data, warnings };
}

/** complex diffraction (a far field, not its modulus) and negative values (not an amplitude) are refused. */
function refuseNonAmplitude(file: string, diff: RawArray): void {
  if (diff.dtype === 'complex64') {
    throw new DataContractError(file, DIFFRACTION, 'holds complex64 values where float32 diffraction AMPLITUDES are expected (a detector measures |Ψ|, not Ψ)', 'Store np.abs(far_field).astype(np.float32), or sqrt(counts) for measured intensities');
  }
  if (diff.dtype !== 'float32') return; // validate() names the dtype and the astype call
  const values = diff.data as Float32Array;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0) {
      throw new DataContractError(file, DIFFRACTION, `holds a negative value (${values[i]} at flat index ${i}), so it is not an amplitude`, 'Store sqrt(counts) (amplitude), not a signed field or a background-subtracted intensity');
    }
  }
}

/** Every scan position must put its N×N patch inside the object (when the file has one). */
function checkPositions(data: ValidatedData): void {
  const object = data.arrays.get('objectGuess');
  if (!object) return;
  const x = data.arrays.get('xcoords')!.data as Float64Array;
  const y = data.arrays.get('ycoords')!.data as Float64Array;
  const n = data.sizes.N;
  for (let i = 0; i < x.length; i++) {
    const why = patchOutside(x[i], y[i], n, object.shape[0], object.shape[1]);
    if (why) throw new DataContractError(data.source, 'xcoords', `scan position ${i}: ${why}`, 'Check the coordinate convention (x = column, y = row, patch centre, in object pixels) or crop the scan');
  }
}
