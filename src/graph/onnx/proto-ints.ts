/** protobufjs hands int64 fields out as `Long` (or number when small and `long` is absent). */
export type Int64 = number | { toNumber(): number; toString(): string };

/** An int64 field as a JS number; sizes, dims and attribute ints fit in 2^53 (slice bounds saturate, see below). */
export function int64ToNumber(v: Int64): number {
  return typeof v === 'number' ? v : v.toNumber();
}

export function int64ToBigInt(v: Int64): bigint {
  return typeof v === 'number' ? BigInt(v) : BigInt(v.toString());
}
