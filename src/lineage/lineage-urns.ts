import { RegistryError } from '../errors/registry-error.js';
import { type NodeKind, isNodeKind } from './graph-types.js';

/*
 * Lineage URNs are `mk:<kind>:<rest>`. Names follow the catalog's name rule
 * (src/catalog/schemas.ts) so a URN the catalog would refuse is not a node.
 */
const NAME = '[a-z0-9][a-z0-9._-]{0,62}';
const ID = '[A-Za-z0-9][A-Za-z0-9._:-]{0,127}';

const restPatterns: Readonly<Record<NodeKind, RegExp>> = {
  version: new RegExp(`^${NAME}/${NAME}@[1-9][0-9]{0,9}$`),
  model: new RegExp(`^${NAME}/${NAME}$`),
  dataset: new RegExp(`^${NAME}/${NAME}(@[A-Za-z0-9._:-]{1,100})?$`),
  featureset: new RegExp(`^${NAME}/${NAME}$`),
  pipeline: new RegExp(`^${NAME}/${NAME}$`),
  run: new RegExp(`^${NAME}/${ID}$`),
  // A package URL (purl-spec): scheme, type, then the rest without spaces.
  library: /^pkg:[a-z][a-z0-9.+-]*\/\S+$/,
  image: /^[^\s@]+@sha256:[0-9a-f]{1,64}$/,
  service: /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/,
  deployment: new RegExp(`^${ID}$`),
};

/** Kinds whose URN path starts with a namespace, as `mk:<kind>:` prefixes. */
const namespacedPrefixes = ['version', 'model', 'dataset', 'featureset', 'pipeline', 'run'].map((kind) => `mk:${kind}:`);

/** The kind a well-formed lineage URN names, or null for anything else. */
export function kindOfUrn(urn: string): NodeKind | null {
  if (!urn.startsWith('mk:')) return null;
  const colon = urn.indexOf(':', 3);
  if (colon < 0) return null;
  const kind = urn.slice(3, colon);
  if (!isNodeKind(kind)) return null;
  return restPatterns[kind].test(urn.slice(colon + 1)) ? kind : null;
}

/**
 * The namespace of a version, model, dataset, feature set, pipeline or run
 * URN; null for the shared kinds. It does not validate the rest (kindOfUrn
 * does): `visible` callbacks call it for every node a walk meets, so it has
 * to cost a prefix test and an indexOf, not a regular expression.
 */
export function namespaceOfUrn(urn: string): string | null {
  for (const prefix of namespacedPrefixes) {
    if (!urn.startsWith(prefix)) continue;
    const slash = urn.indexOf('/', prefix.length);
    return slash > prefix.length ? urn.slice(prefix.length, slash) : null;
  }
  return null;
}

export function libraryUrn(purl: string): string {
  const urn = `mk:library:${purl}`;
  if (kindOfUrn(urn) !== 'library') throw new RegistryError('invalid_request', `${purl} is not a package URL (pkg:<type>/<name>[@<version>])`);
  return urn;
}

/**
 * The package a library URN names, without version, qualifiers or subpath:
 * `mk:library:pkg:pypi/numpy@1.26.4?x=y` → `pkg:pypi/numpy`. The version is
 * an `@` after the last `/` (an npm scope's `@` comes before it).
 */
export function packageOfLibraryUrn(urn: string): string | null {
  if (kindOfUrn(urn) !== 'library') return null;
  let purl = urn.slice('mk:library:'.length);
  for (const mark of ['#', '?']) {
    const at = purl.indexOf(mark);
    if (at >= 0) purl = purl.slice(0, at);
  }
  const at = purl.indexOf('@', purl.lastIndexOf('/') + 1);
  return at < 0 ? purl : purl.slice(0, at);
}

/** True for `mk:library:pkg:pypi/numpy`: a package, standing for all its versions. */
export const isPackageUrn = (urn: string): boolean => packageOfLibraryUrn(urn) === urn.slice('mk:library:'.length);

/** `mk:version:ns/m@3` → `mk:model:ns/m`; null for anything but a version URN. */
export function modelOfVersionUrn(urn: string): string | null {
  if (kindOfUrn(urn) !== 'version') return null;
  return `mk:model:${urn.slice('mk:version:'.length, urn.lastIndexOf('@'))}`;
}
