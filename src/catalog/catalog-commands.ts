import type { NormalisedManifest } from '../artifacts/manifest.js';
import type { JsonObject } from '../ledger/entry.js';
import * as q from '../store/queries/find-catalog.js';
import type { WriteSteps } from '../store/write-command.js';
import { decideCreateModel, decideRestoreModel, decideUpdateModel } from './decide-model.js';
import { decideCreateNamespace, decideSetExtensionSchema } from './decide-namespace.js';
import { decidePublishVersion, decideRegisterVersion, decideUpdateVersion } from './decide-version.js';
import { checkExtra, compileExtensionSchema, describeErrors } from './extension-schemas.js';
import { registeredVersion } from './registered-version.js';
import type { CreateModel, CreateNamespace, ExtensionKind, Model, ModelVersion, Namespace, UpdateModel, UpdateVersion, VersionMetadata } from './schemas.js';

export interface VersionRef {
  readonly namespace: string;
  readonly model: string;
  readonly number: number;
}

export const versionLabel = (ref: VersionRef): string => `${ref.namespace}/${ref.model}@${ref.number}`;
const strip = <T extends { id: number }>({ id: _id, ...rest }: T): Omit<T, 'id'> => rest;

/*
 * The catalog's writes as named commands over plain data. Everything here
 * runs inside the writer's transaction, wherever the writer runs; checks that
 * need no database state happen before, in the CatalogService.
 */
export const catalogCommands = {
  createNamespace: (command: CreateNamespace): WriteSteps<Namespace> => ({
    decide: async (tx) => [decideCreateNamespace(command, await q.findNamespace(tx, command.name))],
    respond: async (tx) => (await q.findNamespace(tx, command.name))!,
  }),

  setExtensionSchema: (args: { name: string; kind: ExtensionKind; schema: JsonObject | null }): WriteSteps<Namespace> => ({
    decide: async (tx) => {
      const { name, kind, schema } = args;
      const validate = schema === null ? undefined : compileExtensionSchema(schema);
      const namespace = await q.findNamespace(tx, name);
      const violations: { urn: string; problems: string[] }[] = [];
      if (namespace !== undefined && validate !== undefined) {
        for await (const record of q.publishedExtras(tx, name, kind)) {
          if (!validate(record.extra)) violations.push({ urn: record.urn, problems: describeErrors(validate.errors) });
        }
      }
      return [decideSetExtensionSchema({ namespace, name, kind, schema, violations })];
    },
    respond: async (tx) => (await q.findNamespace(tx, args.name))!,
  }),

  createModel: (command: CreateModel): WriteSteps<Model> => ({
    decide: async (tx) => {
      const namespace = await q.findNamespace(tx, command.namespace);
      if (namespace !== undefined) checkExtra(namespace.schemas.model as object | undefined, command.extra, 'extra');
      return [decideCreateModel(command, { namespace, existing: await q.findModel(tx, command.namespace, command.name) })];
    },
    respond: async (tx) => strip((await q.findModel(tx, command.namespace, command.name))!),
  }),

  updateModel: (args: { namespace: string; name: string; patch: UpdateModel; ifMatch: string | undefined }): WriteSteps<Model> => ({
    decide: async (tx) => {
      const { namespace, name, patch, ifMatch } = args;
      if (patch.extra !== undefined) checkExtra(await q.findExtensionSchema(tx, namespace, 'model'), patch.extra, 'extra');
      return [decideUpdateModel(await q.findModel(tx, namespace, name), `${namespace}/${name}`, patch, ifMatch)];
    },
    respond: async (tx) => strip((await q.findModel(tx, args.namespace, args.name))!),
  }),

  restoreModel: (args: { namespace: string; name: string; asOf: number; reason: string | undefined; ifMatch: string | undefined }): WriteSteps<Model> => ({
    decide: async (tx) => {
      const { namespace, name, asOf } = args;
      const state = { current: await q.findModel(tx, namespace, name), past: await q.findModel(tx, namespace, name, asOf), asOf };
      const drafts = decideRestoreModel(state, `${namespace}/${name}`, args.reason, args.ifMatch);
      // The past extension fields must satisfy today's schema, as any change must.
      if (drafts.length > 0 && state.past !== undefined) checkExtra(await q.findExtensionSchema(tx, namespace, 'model'), state.past.extra, 'extra');
      return drafts;
    },
    respond: async (tx) => strip((await q.findModel(tx, args.namespace, args.name))!),
  }),

  registerVersion: (args: { namespace: string; model: string; manifest: NormalisedManifest; metadata: VersionMetadata }): WriteSteps<ModelVersion> => ({
    decide: async (tx) => {
      const { namespace, model, manifest, metadata } = args;
      const target = await q.findRegistrationTarget(tx, namespace, model);
      if (target !== undefined) checkExtra(target.versionSchema, metadata.extra, 'extra');
      return [decideRegisterVersion(manifest, metadata, { model: target?.model, label: `${namespace}/${model}`, lastNumber: target?.lastNumber ?? 0 })];
    },
    respond: async (_tx, entries) => registeredVersion(entries[0]!),
  }),

  updateVersion: (args: { ref: VersionRef; patch: UpdateVersion; manifest: NormalisedManifest | undefined; ifMatch: string | undefined }): WriteSteps<ModelVersion> => ({
    decide: async (tx) => {
      const { ref, patch, manifest, ifMatch } = args;
      const version = await q.findVersion(tx, ref.namespace, ref.model, ref.number);
      const draft = decideUpdateVersion(version, versionLabel(ref), patch, manifest, ifMatch);
      const merged = (draft.payload as unknown as { metadata: VersionMetadata }).metadata;
      checkExtra(await q.findExtensionSchema(tx, ref.namespace, 'version'), merged.extra, 'extra');
      return [draft];
    },
    respond: async (tx) => strip((await q.findVersion(tx, args.ref.namespace, args.ref.model, args.ref.number))!),
  }),

  publishVersion: (args: { ref: VersionRef; reason: string | undefined }): WriteSteps<ModelVersion> => ({
    decide: async (tx) => {
      const { ref, reason } = args;
      const version = await q.findVersion(tx, ref.namespace, ref.model, ref.number);
      const draft = decidePublishVersion(version, versionLabel(ref), reason);
      // A draft may predate its namespace's current schema; what is published must satisfy it.
      checkExtra(await q.findExtensionSchema(tx, ref.namespace, 'version'), version!.metadata.extra, `${versionLabel(ref)} extra`);
      return [draft];
    },
    respond: async (tx) => strip((await q.findVersion(tx, args.ref.namespace, args.ref.model, args.ref.number))!),
  }),
};
