import type { NpyArray } from './npy.ts';

/**
 * An array as it came from a source, before validation: dims and units are known only when the source stored
 * them (tandem's npz metadata); the data contract supplies or checks them.
 */
export interface RawArray extends NpyArray {
  readonly dims?: readonly string[];
  readonly units?: string;
}

/** What an adapter's source produced: arrays by key, untouched, plus free-form attributes from the file. */
export interface RawData {
  /** The file path (as configured) or a description of the generator, used in every error message. */
  readonly source: string;
  readonly arrays: ReadonlyMap<string, RawArray>;
  readonly attrs: Readonly<Record<string, unknown>>;
}
