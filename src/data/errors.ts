/**
 * Errors raised while reading and validating data. Each message is one complete sentence for a person: the
 * file, the key, what is wrong and what to do, so the CLI can print `error.message` as is. The typed fields let
 * code (and tests) react without parsing text. See specs/data-container.md "Errors".
 */
export class DataError extends Error {
  constructor(
    message: string,
    /** The file involved (as the user wrote it), or a description of an in-memory source. */
    readonly file: string,
    /** The array key involved, when there is one. */
    readonly key?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The data file does not exist or cannot be opened. */
export class DataFileNotFoundError extends DataError {
  constructor(file: string, resolved: string, reason: string) {
    super(`data file "${file}" cannot be read (${reason}; resolved to ${resolved}): check the path, it is relative to the working directory`, file);
  }
}

/** The bytes are not a valid .npz/.npy, or use an encoding tandem does not read (big-endian, pickled objects, ...). */
export class DataFormatError extends DataError {
  constructor(file: string, detail: string, key?: string, hint = 're-generate or re-download the file') {
    super(`${file}${key === undefined ? '' : `: entry "${key}"`}: not a valid zip/npz: ${detail}; ${hint}`, file, key);
  }
}

/** A key the data contract requires is absent from the file. */
export class DataKeyMissingError extends DataError {
  constructor(
    file: string,
    key: string,
    readonly presentKeys: readonly string[],
  ) {
    super(
      `${file}: required key "${key}" is missing; the file holds ${presentKeys.length === 0 ? 'no arrays' : presentKeys.map((k) => `"${k}"`).join(', ')}. ` +
        'Rename the array in the file, or change the key in the adapter contract (or mark it optional)',
      file,
      key,
    );
  }
}

/** An array violates its contract: dtype, rank, size, dim names or units. */
export class DataContractError extends DataError {
  constructor(
    file: string,
    key: string,
    readonly reason: string,
    fix: string,
  ) {
    super(`${file}: key "${key}": ${reason}. ${fix}`, file, key);
  }
}

/** NaN or ±Inf in an array whose contract forbids them. */
export class DataNonFiniteError extends DataError {
  constructor(
    file: string,
    key: string,
    dims: readonly string[],
    /** Multi-index (one entry per axis, in contract dim order) of the first bad element. */
    readonly index: readonly number[],
    readonly value: string,
    readonly count: number,
    fix = 'Clean the data (e.g. np.nan_to_num) or set allowNonFinite: true for this key in the adapter contract',
  ) {
    super(
      `${file}: key "${key}" holds ${count} non-finite value${count === 1 ? '' : 's'}, the first (${value}) at [${index.map((i, a) => `${dims[a]}=${i}`).join(', ')}]. ${fix}`,
      file,
      key,
    );
  }
}
