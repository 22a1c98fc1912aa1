import { z } from 'zod';
import { DATA_DTYPES, type DataDType } from './data-dtype.ts';
import { permute } from './layout.ts';
import { checkDims, namedTensor, type NamedTensor } from './named-tensor.ts';
import { DataContractError, DataKeyMissingError, DataNonFiniteError } from './errors.ts';
import { findNonFinite } from './non-finite.ts';
import type { RawData } from './raw-data.ts';

/**
 * A data contract: what an adapter promises its arrays look like, checked before any training starts
 * (docs/architecture.md "RawData / Container"; specs/data-container.md "DataContract").
 *
 * A shape entry is an exact size (64), a wildcard ('*'), or a symbol ('n') that must take the same value in
 * every key that uses it, e.g. `diffraction: [n, 64, 64]` and `xcoords: [n]`.
 */
export const ANY_SIZE = '*';

const SizeSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^(\*|[A-Za-z_][A-Za-z0-9_]*)$/, 'a size is a number, "*" or a symbol name')]);

export const KeyContractSchema = z
  .object({
    dtype: z.enum(DATA_DTYPES),
    /** One name per axis, in the order the container will hold them. */
    dims: z.array(z.string()),
    /** Sizes per axis; omitted means any size. */
    shape: z.array(SizeSchema).optional(),
    units: z.string().optional(),
    /** NaN and ±Inf are rejected unless this is true. */
    allowNonFinite: z.boolean().default(false),
    /** An optional key may be absent from the file. */
    optional: z.boolean().default(false),
  })
  .strict()
  .superRefine((k, ctx) => {
    try {
      checkDims(k.dims, k.dims.map(() => 0));
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['dims'], message: (e as Error).message });
    }
    if (k.shape !== undefined && k.shape.length !== k.dims.length) {
      ctx.addIssue({ code: 'custom', path: ['shape'], message: `shape has ${k.shape.length} entries for ${k.dims.length} dims (${k.dims.join(', ')}): give one per dim` });
    }
  });

export const DataContractSchema = z
  .object({
    keys: z.record(z.string(), KeyContractSchema),
  })
  .strict();

export type KeyContract = z.input<typeof KeyContractSchema>;
export type DataContract = z.input<typeof DataContractSchema>;

/** A key that passed its contract: axes in contract order, units resolved. */
export interface ValidatedArray extends NamedTensor {
  readonly units?: string;
}

export interface ValidatedData {
  readonly source: string;
  readonly arrays: ReadonlyMap<string, ValidatedArray>;
  /** The value each shape symbol took. */
  readonly sizes: Readonly<Record<string, number>>;
  /** Keys in the file that the contract does not mention (not loaded). */
  readonly ignoredKeys: readonly string[];
  readonly attrs: Readonly<Record<string, unknown>>;
}

/**
 * Checks `raw` against `contract`, key by key in contract order, and returns the arrays with contract dims.
 * A file that stores dims (tandem metadata) in another order is permuted by name; other dims are an error.
 * Throws the first violation as a DataKeyMissingError, DataContractError or DataNonFiniteError.
 */
export function validate(raw: RawData, contract: DataContract): ValidatedData {
  const result = DataContractSchema.safeParse(contract);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new RangeError(`the data contract for ${raw.source} is invalid: ${issues}`);
  }
  const parsed = result.data;
  const file = raw.source;
  const sizes: Record<string, number> = {};
  const boundBy: Record<string, string> = {};
  const arrays = new Map<string, ValidatedArray>();
  for (const [key, c] of Object.entries(parsed.keys)) {
    const a = raw.arrays.get(key);
    if (!a) {
      if (c.optional) continue;
      throw new DataKeyMissingError(file, key, [...raw.arrays.keys()]);
    }
    const fail = (reason: string, fix: string): never => {
      throw new DataContractError(file, key, reason, fix);
    };
    if (a.dtype !== c.dtype) {
      fail(`dtype is ${a.dtype}, the contract requires ${c.dtype}`, `Convert it when writing the file (arr.astype(np.${numpyName(c.dtype)})) or change dtype in the contract`);
    }
    if (a.shape.length !== c.dims.length) {
      fail(
        `has rank ${a.shape.length} (shape [${a.shape.join(', ')}]), the contract expects rank ${c.dims.length} (${c.dims.join(', ')})`,
        'Reshape the array in the file or fix dims in the contract',
      );
    }
    let t: NamedTensor;
    if (a.dims) {
      const sameSet = a.dims.length === c.dims.length && c.dims.every((d) => a.dims!.includes(d));
      if (!sameSet) {
        fail(`is stored with dims (${a.dims.join(', ')}), the contract expects (${c.dims.join(', ')})`, 'Rename the dims in the file metadata or in the contract');
      }
      t = permute(namedTensor(a.dtype, a.shape, a.dims, a.data), c.dims);
    } else {
      t = namedTensor(a.dtype, a.shape, c.dims, a.data);
    }
    (c.shape ?? []).forEach((want, axis) => {
      const got = t.shape[axis];
      const dim = c.dims[axis];
      if (typeof want === 'number') {
        if (got !== want) fail(`axis "${dim}" has size ${got}, the contract requires ${want}`, 'Fix the file or the shape in the contract');
      } else if (want !== ANY_SIZE) {
        if (sizes[want] === undefined) {
          sizes[want] = got;
          boundBy[want] = `${key}.${dim}`;
        } else if (sizes[want] !== got) {
          fail(
            `axis "${dim}" has size ${got}, but size "${want}" is ${sizes[want]} in ${boundBy[want]}`,
            'Arrays sharing a size symbol must agree: fix the file, or use different symbols in the contract',
          );
        }
      }
    });
    if (c.units !== undefined && a.units !== undefined && c.units !== a.units) {
      fail(`the file stores units "${a.units}", the contract requires "${c.units}"`, 'Convert the data or fix units in the contract');
    }
    if (!c.allowNonFinite) {
      const bad = findNonFinite(t);
      if (bad) throw new DataNonFiniteError(file, key, t.dims, bad.index, bad.value, bad.count);
    }
    const units = c.units ?? a.units;
    arrays.set(key, units === undefined ? t : { ...t, units });
  }
  const ignoredKeys = [...raw.arrays.keys()].filter((k) => !(k in parsed.keys));
  return { source: file, arrays, sizes, ignoredKeys, attrs: raw.attrs };
}

function numpyName(d: DataDType): string {
  return d === 'bool' ? 'bool_' : d;
}
