import { RegistryError } from '../errors/registry-error.js';

/** Strong entity tags from a record's revision counter. */
export const etagOf = (revision: number): string => `"r${revision}"`;

/**
 * Optimistic concurrency: a stale If-Match is refused rather than overwriting
 * a change the caller has not seen. `required` makes the header mandatory.
 */
export function checkEtag(ifMatch: string | undefined, revision: number, required: boolean): void {
  if (ifMatch === undefined) {
    if (required) {
      throw new RegistryError('precondition_required', `Send If-Match with the ETag you last read (currently ${etagOf(revision)}) so concurrent edits are not lost`);
    }
    return;
  }
  const candidates = ifMatch.split(',').map((t) => t.trim());
  if (candidates.includes('*') || candidates.includes(etagOf(revision))) return;
  throw new RegistryError('version_conflict', `The resource is at ${etagOf(revision)}, not ${ifMatch}; read it again and retry`, {
    extensions: { currentEtag: etagOf(revision) },
  });
}
