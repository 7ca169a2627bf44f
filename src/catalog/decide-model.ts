import { keepRedacted } from './keep-redacted.js';
import { RegistryError } from '../errors/registry-error.js';
import type { EntryDraft } from '../ledger/entry.js';
import { asPayload, type ModelCreated, type ModelFields, type ModelUpdated } from './entry-payloads.js';
import type { CreateModel, Model, Namespace, UpdateModel } from './schemas.js';
import { modelUrn } from './urns.js';
import { checkEtag } from './etag.js';

export interface CreateModelState {
  readonly namespace: Namespace | undefined;
  readonly existing: Model | undefined;
}

export function decideCreateModel(command: CreateModel, state: CreateModelState): EntryDraft {
  if (state.namespace === undefined) {
    throw new RegistryError('not_found', `Namespace ${command.namespace} does not exist; create it first (POST /api/v1/namespaces)`);
  }
  if (state.existing !== undefined) throw new RegistryError('already_exists', `Model ${command.namespace}/${command.name} already exists`);
  const payload: ModelCreated = {
    namespace: command.namespace,
    name: command.name,
    description: command.description ?? '',
    owners: command.owners ?? [],
    domain: command.domain ?? null,
    tags: command.tags ?? [],
    riskProfile: command.riskProfile ?? null,
    extra: command.extra ?? {},
  };
  return { action: 'model.created', subject: modelUrn(command.namespace, command.name), payload: asPayload(payload) };
}

const restorableFields = ['description', 'owners', 'domain', 'tags', 'riskProfile', 'extra'] as const satisfies readonly (keyof ModelFields)[];

export interface RestoreModelState {
  readonly current: Model | undefined;
  /** The model as it stood at `asOf`. */
  readonly past: Model | undefined;
  readonly asOf: number;
}

/**
 * Puts a model's metadata back as it was at a past point, as a new change:
 * history is added to, never rewritten. Nothing to put back, no entry.
 */
export function decideRestoreModel(state: RestoreModelState, label: string, reason: string | undefined, ifMatch: string | undefined): EntryDraft[] {
  const { current, past, asOf } = state;
  if (current === undefined) throw new RegistryError('not_found', `Model ${label} does not exist`);
  if (past === undefined) throw new RegistryError('not_found', `Model ${label} did not exist as of ledger entry ${asOf}; pick a later point`);
  checkEtag(ifMatch, current.revision, false);
  const changes: Record<string, unknown> = {};
  for (const field of restorableFields) {
    if (JSON.stringify(past[field]) !== JSON.stringify(current[field])) changes[field] = past[field];
  }
  if (Object.keys(changes).length === 0) return [];
  const payload: ModelUpdated = { namespace: current.namespace, name: current.name, changes: changes as Partial<ModelFields>, restoredFrom: asOf };
  return [{ action: 'model.updated', subject: current.urn, reason: reason ?? `Restored to its metadata as of ledger entry ${asOf}`, payload: asPayload(payload) }];
}

export function decideUpdateModel(model: Model | undefined, label: string, patch: UpdateModel, ifMatch: string | undefined): EntryDraft {
  if (model === undefined) throw new RegistryError('not_found', `Model ${label} does not exist`);
  checkEtag(ifMatch, model.revision, false);
  const { reason, ...fields } = patch;
  const changes: Partial<ModelFields> = fields.extra === undefined ? fields : { ...fields, extra: keepRedacted(fields.extra, model.extra) as typeof fields.extra };
  const payload: ModelUpdated = { namespace: model.namespace, name: model.name, changes };
  return { action: 'model.updated', subject: model.urn, reason, payload: asPayload(payload) };
}
