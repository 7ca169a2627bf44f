import { keepRedacted } from './keep-redacted.js';
import type { NormalisedManifest } from '../artifacts/manifest.js';
import { manifestDigest } from '../artifacts/manifest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { EntryDraft } from '../ledger/entry.js';
import { asPayload, type VersionPublished, type VersionRegistered, type VersionUpdated } from './entry-payloads.js';
import { checkEtag } from './etag.js';
import type { Model, ModelVersion, UpdateVersion, VersionMetadata } from './schemas.js';
import { versionUrn } from './urns.js';

export interface RegisterVersionState {
  readonly model: Model | undefined;
  readonly label: string;
  /** The highest number this model has used so far (0 for none): numbers never repeat or skip. */
  readonly lastNumber: number;
}

export function decideRegisterVersion(manifest: NormalisedManifest, metadata: VersionMetadata, state: RegisterVersionState): EntryDraft {
  if (state.model === undefined) throw new RegistryError('not_found', `Model ${state.label} does not exist; create it first`);
  const number = state.lastNumber + 1;
  const payload: VersionRegistered = {
    namespace: state.model.namespace,
    model: state.model.name,
    number,
    manifest,
    artifactDigest: manifestDigest(manifest),
    metadata,
  };
  return { action: 'version.registered', subject: versionUrn(state.model.namespace, state.model.name, number), payload: asPayload(payload) };
}

function requireDraft(version: ModelVersion | undefined, label: string, verb: string): ModelVersion {
  if (version === undefined) throw new RegistryError('not_found', `Version ${label} does not exist`);
  if (version.status !== 'draft') {
    throw new RegistryError('immutable', `Version ${label} is ${version.status}; it cannot be ${verb}. Register a new version instead.`);
  }
  return version;
}

export function decideUpdateVersion(
  version: ModelVersion | undefined,
  label: string,
  patch: UpdateVersion,
  manifest: NormalisedManifest | undefined,
  ifMatch: string | undefined,
): EntryDraft {
  const draft = requireDraft(version, label, 'changed');
  checkEtag(ifMatch, draft.revision, true);
  const { reason, manifest: _raw, ...fields } = patch;
  const extra = keepRedacted(fields.extra, draft.metadata.extra) as VersionMetadata['extra'];
  const metadata: VersionMetadata = { ...draft.metadata, ...fields, ...(extra === undefined ? {} : { extra }) };
  const nextManifest = manifest ?? draft.manifest;
  const payload: VersionUpdated = {
    namespace: draft.namespace,
    model: draft.model,
    number: draft.number,
    manifest: nextManifest,
    artifactDigest: manifest === undefined ? draft.artifactDigest : manifestDigest(manifest),
    metadata,
    changed: Object.keys(patch).filter((k) => k !== 'reason'),
  };
  return { action: 'version.updated', subject: draft.urn, reason, payload: asPayload(payload) };
}

export function decidePublishVersion(version: ModelVersion | undefined, label: string, reason: string | undefined): EntryDraft {
  const draft = requireDraft(version, label, 'published again');
  const payload: VersionPublished = {
    namespace: draft.namespace,
    model: draft.model,
    number: draft.number,
    artifactDigest: draft.artifactDigest,
  };
  return { action: 'version.published', subject: draft.urn, reason, payload: asPayload(payload) };
}
