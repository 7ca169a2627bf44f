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

export function decideUpdateModel(model: Model | undefined, label: string, patch: UpdateModel, ifMatch: string | undefined): EntryDraft {
  if (model === undefined) throw new RegistryError('not_found', `Model ${label} does not exist`);
  checkEtag(ifMatch, model.revision, false);
  const { reason, ...fields } = patch;
  const changes: Partial<ModelFields> = fields;
  const payload: ModelUpdated = { namespace: model.namespace, name: model.name, changes };
  return { action: 'model.updated', subject: model.urn, reason, payload: asPayload(payload) };
}
