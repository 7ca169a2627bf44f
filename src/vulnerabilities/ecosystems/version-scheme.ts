/**
 * How one ecosystem orders its versions. `compare` is only defined for
 * versions `isValid` accepts; callers check first, because a version an
 * ecosystem cannot read can be neither inside nor outside a range.
 */
export interface VersionScheme {
  readonly name: string;
  isValid(version: string): boolean;
  /** Negative, zero or positive as `a` sorts before, equal to or after `b`. */
  compare(a: string, b: string): number;
}
