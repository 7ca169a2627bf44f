import { RegistryError } from '../errors/registry-error.js';
import type { EntryDraft, JsonObject } from '../ledger/entry.js';
import { asPayload, type ExtensionSchemaSet, type NamespaceCreated } from './entry-payloads.js';
import type { CreateNamespace, ExtensionKind, Namespace } from './schemas.js';
import { namespaceUrn } from './urns.js';

export function decideCreateNamespace(command: CreateNamespace, existing: Namespace | undefined): EntryDraft {
  if (existing !== undefined) throw new RegistryError('already_exists', `Namespace ${command.name} already exists`);
  const payload: NamespaceCreated = { name: command.name, description: command.description ?? '' };
  return { action: 'namespace.created', subject: namespaceUrn(command.name), payload: asPayload(payload) };
}

export interface SchemaChange {
  readonly namespace: Namespace | undefined;
  readonly name: string;
  readonly kind: ExtensionKind;
  readonly schema: JsonObject | null;
  /** Records the new schema would reject, found by the caller inside the same transaction. */
  readonly violations: readonly { urn: string; problems: readonly string[] }[];
}

export function decideSetExtensionSchema(change: SchemaChange): EntryDraft {
  if (change.namespace === undefined) throw new RegistryError('not_found', `Namespace ${change.name} does not exist`);
  if (change.violations.length > 0) {
    const shown = change.violations.slice(0, 20);
    throw new RegistryError(
      'schema_incompatible',
      `The schema would make ${change.violations.length} existing ${change.kind} record(s) invalid, e.g. ${shown[0]!.urn}: ${shown[0]!.problems.join('; ')}. Relax the schema (or make the new fields optional).`,
      { extensions: { violations: shown } },
    );
  }
  const payload: ExtensionSchemaSet = { namespace: change.name, kind: change.kind, schema: change.schema };
  return { action: 'namespace.schema_set', subject: namespaceUrn(change.name), payload: asPayload(payload) };
}
