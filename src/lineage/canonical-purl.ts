import { PackageURL } from 'packageurl-js';
import { RegistryError } from '../errors/registry-error.js';

/**
 * One spelling per package URL (purl-spec's canonical form: `@` of an npm
 * scope percent-encoded, PyPI names lower-case with `-`), so `Requests` and
 * `requests`, `@scope/pkg` and `%40scope/pkg` are one library node, one
 * deprecation target and one set of findings. A record keeps what it says.
 */
export function canonicalPurl(purl: string): string {
  try {
    return PackageURL.fromString(purl).toString();
  } catch (cause) {
    throw new RegistryError('invalid_request', `${purl} is not a package URL (pkg:<type>/<name>[@<version>], e.g. pkg:pypi/numpy@1.26.4)`, { cause });
  }
}

/** A lineage URN with a library's purl in canonical form; other URNs unchanged. */
export function canonicalUrn(urn: string): string {
  return urn.startsWith('mk:library:pkg:') ? `mk:library:${canonicalPurl(urn.slice('mk:library:'.length))}` : urn;
}
