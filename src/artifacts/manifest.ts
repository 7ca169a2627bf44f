import { RegistryError } from '../errors/registry-error.js';
import { canonicalJson } from '../ledger/canonical-json.js';
import { normaliseArtifactPath } from './artifact-path.js';
import { type Digest, digestOfBytes, parseDigest } from './digest.js';

/** More files than any real model needs; bounds the work one request can cause. */
export const MAX_MANIFEST_ENTRIES = 10_000;

/** One file of a model version: where it goes in the model folder and which blob holds it. */
export interface ManifestEntry {
  readonly path: string;
  readonly sha256: Digest;
  readonly size: number;
}

/** A manifest entry as a client sends it, before anything is checked. */
export interface ManifestEntryInput {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

declare const normalisedBrand: unique symbol;

/** Entries with safe paths, sorted, without duplicates: the only shape `manifestDigest` will hash. */
export type NormalisedManifest = readonly ManifestEntry[] & { readonly [normalisedBrand]: true };

/**
 * Checks and normalises a version's file list. Entries are sorted by the
 * UTF-8 bytes of their paths (equivalently, by Unicode code point), not by
 * JavaScript's UTF-16 `<`, because that is the order a plain string sort gives
 * in Go, Rust or Python, so an outsider can recompute the manifest digest.
 * Fields other than path, sha256 and size are dropped, since they are not
 * part of the identity.
 */
export function normaliseManifest(entries: readonly ManifestEntryInput[]): NormalisedManifest {
  if (!Array.isArray(entries)) throw new RegistryError('invalid_request', 'A manifest must be a list of entries');
  if (entries.length === 0) throw new RegistryError('invalid_request', 'A manifest must list at least one file');
  if (entries.length > MAX_MANIFEST_ENTRIES) {
    throw new RegistryError('invalid_request', `A manifest may list at most ${MAX_MANIFEST_ENTRIES} files, this one lists ${entries.length}`);
  }

  const keyed = entries.map((entry, index) => {
    const normalised = normaliseEntry(entry, index);
    return { entry: normalised, key: Buffer.from(normalised.path, 'utf8') };
  });
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));

  const paths = new Set<string>();
  for (const { entry } of keyed) {
    if (paths.has(entry.path)) {
      throw new RegistryError('invalid_request', `The manifest lists ${JSON.stringify(entry.path)} more than once (after normalisation)`, {
        extensions: { path: entry.path },
      });
    }
    paths.add(entry.path);
  }
  refuseFileDirectoryClashes(paths);

  return Object.freeze(keyed.map(({ entry }) => entry)) as NormalisedManifest;
}

/**
 * The version's artifact identity: SHA-256 over the RFC 8785 canonical JSON
 * of the normalised entries, e.g. `[{"path":"a","sha256":"sha256:…","size":1}]`.
 */
export function manifestDigest(manifest: NormalisedManifest): Digest {
  const plain = manifest.map(({ path, sha256, size }) => ({ path, sha256, size }));
  return digestOfBytes(canonicalJson(plain));
}

function normaliseEntry(entry: ManifestEntryInput, index: number): ManifestEntry {
  if (typeof entry !== 'object' || entry === null) {
    throw new RegistryError('invalid_request', `Manifest entry ${index} is not an object`);
  }
  const { path, sha256, size } = entry;
  if (!Number.isSafeInteger(size) || size < 0) {
    const shown = typeof size === 'number' ? String(size) : typeof size;
    throw new RegistryError('invalid_request', `Manifest entry ${index} has size ${shown}; a size must be a non-negative integer`, {
      extensions: { index },
    });
  }
  try {
    return { path: normaliseArtifactPath(path), sha256: parseDigest(sha256), size };
  } catch (error) {
    // Same code and rule, but say which entry, so a client can point at the line.
    if (!(error instanceof RegistryError)) throw error;
    throw new RegistryError(error.code, `Manifest entry ${index}: ${error.message}`, {
      cause: error,
      extensions: { ...error.extensions, index },
    });
  }
}

/** `a` as a file and `a/b` beside it cannot both exist on disk, so such a version could never be downloaded whole. */
function refuseFileDirectoryClashes(paths: ReadonlySet<string>): void {
  for (const path of paths) {
    for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      const parent = path.slice(0, slash);
      if (paths.has(parent)) {
        throw new RegistryError('invalid_request', `The manifest lists ${JSON.stringify(parent)} as a file and also ${JSON.stringify(path)} inside it`, {
          extensions: { path: parent },
        });
      }
    }
  }
}
