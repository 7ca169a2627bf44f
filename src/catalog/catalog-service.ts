import type { BlobStore } from '../artifacts/blob-store.js';
import type { Digest } from '../artifacts/digest.js';
import { type NormalisedManifest, normaliseManifest } from '../artifacts/manifest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { JsonObject } from '../ledger/entry.js';
import type { Store } from '../store/open-store.js';
import type { WriteOutcome } from '../store/ledger-writer.js';
import * as q from '../store/queries/find-catalog.js';
import { decideCreateModel, decideUpdateModel } from './decide-model.js';
import { decideCreateNamespace, decideSetExtensionSchema } from './decide-namespace.js';
import { decidePublishVersion, decideRegisterVersion, decideUpdateVersion } from './decide-version.js';
import { checkExtra, compileExtensionSchema, describeErrors } from './extension-schemas.js';
import type {
  CreateModel,
  CreateNamespace,
  ExtensionKind,
  ManifestEntryInput,
  Model,
  ModelVersion,
  Namespace,
  RegisterVersion,
  UpdateModel,
  UpdateVersion,
  VersionMetadata,
} from './schemas.js';
import { checkVersionMetadata } from './validate-metadata.js';
import { registeredVersion } from './registered-version.js';

/** Who asks, and the retry key of the request if it carried one. */
export interface WriteContext {
  readonly actor: string;
  readonly idempotency?: { readonly key: string; readonly requestHash: string; readonly status: number } | undefined;
}

export interface VersionRef {
  readonly namespace: string;
  readonly model: string;
  readonly number: number;
}

const label = (ref: VersionRef): string => `${ref.namespace}/${ref.model}@${ref.number}`;
const strip = <T extends { id: number }>({ id: _id, ...rest }: T): Omit<T, 'id'> => rest;

/**
 * The catalog's use cases. Checks that need no database state (paths,
 * digests, SPDX, purls, blob presence) run before the write; everything that
 * depends on state is decided inside the writer's transaction.
 */
export class CatalogService {
  private readonly knownBlobSizes = new Map<Digest, number>();

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
  ) {}

  createNamespace(ctx: WriteContext, command: CreateNamespace): Promise<WriteOutcome<Namespace>> {
    return this.store.writer.write({
      ...ctx,
      decide: async (tx) => [decideCreateNamespace(command, await q.findNamespace(tx, command.name))],
      respond: async (tx) => (await q.findNamespace(tx, command.name))!,
    });
  }

  setExtensionSchema(ctx: WriteContext, name: string, kind: ExtensionKind, schema: JsonObject | null): Promise<WriteOutcome<Namespace>> {
    const validate = schema === null ? undefined : compileExtensionSchema(schema);
    return this.store.writer.write({
      ...ctx,
      decide: async (tx) => {
        const namespace = await q.findNamespace(tx, name);
        const violations: { urn: string; problems: string[] }[] = [];
        if (namespace !== undefined && validate !== undefined) {
          for await (const record of q.publishedExtras(tx, name, kind)) {
            if (!validate(record.extra)) violations.push({ urn: record.urn, problems: describeErrors(validate.errors) });
          }
        }
        return [decideSetExtensionSchema({ namespace, name, kind, schema, violations })];
      },
      respond: async (tx) => (await q.findNamespace(tx, name))!,
    });
  }

  createModel(ctx: WriteContext, command: CreateModel): Promise<WriteOutcome<Model>> {
    return this.store.writer.write({
      ...ctx,
      decide: async (tx) => {
        const namespace = await q.findNamespace(tx, command.namespace);
        if (namespace !== undefined) checkExtra(namespace.schemas.model as object | undefined, command.extra, 'extra');
        return [decideCreateModel(command, { namespace, existing: await q.findModel(tx, command.namespace, command.name) })];
      },
      respond: async (tx) => strip((await q.findModel(tx, command.namespace, command.name))!),
    });
  }

  updateModel(ctx: WriteContext, namespace: string, name: string, patch: UpdateModel, ifMatch: string | undefined): Promise<WriteOutcome<Model>> {
    return this.store.writer.write({
      ...ctx,
      decide: async (tx) => {
        if (patch.extra !== undefined) checkExtra(await q.findExtensionSchema(tx, namespace, 'model'), patch.extra, 'extra');
        return [decideUpdateModel(await q.findModel(tx, namespace, name), `${namespace}/${name}`, patch, ifMatch)];
      },
      respond: async (tx) => strip((await q.findModel(tx, namespace, name))!),
    });
  }

  async registerVersion(ctx: WriteContext, namespace: string, model: string, command: RegisterVersion): Promise<WriteOutcome<ModelVersion>> {
    const { manifest: rawManifest, ...metadata } = command;
    const manifest = await this.checkManifest(rawManifest);
    checkVersionMetadata(metadata);
    return this.store.writer.write({
      ...ctx,
      decide: async (tx) => {
        const target = await q.findRegistrationTarget(tx, namespace, model);
        if (target !== undefined) checkExtra(target.versionSchema, metadata.extra, 'extra');
        return [decideRegisterVersion(manifest, metadata, { model: target?.model, label: `${namespace}/${model}`, lastNumber: target?.lastNumber ?? 0 })];
      },
      respond: async (_tx, entries) => registeredVersion(entries[0]!),
    });
  }

  async updateVersion(ctx: WriteContext, ref: VersionRef, patch: UpdateVersion, ifMatch: string | undefined): Promise<WriteOutcome<ModelVersion>> {
    const manifest = patch.manifest === undefined ? undefined : await this.checkManifest(patch.manifest);
    const { manifest: _m, reason: _r, ...metadata } = patch;
    checkVersionMetadata(metadata as VersionMetadata);
    return this.store.writer.write({
      ...ctx,
      decide: async (tx) => {
        const version = await q.findVersion(tx, ref.namespace, ref.model, ref.number);
        const draft = decideUpdateVersion(version, label(ref), patch, manifest, ifMatch);
        const merged = (draft.payload as unknown as { metadata: VersionMetadata }).metadata;
        checkExtra(await q.findExtensionSchema(tx, ref.namespace, 'version'), merged.extra, 'extra');
        return [draft];
      },
      respond: async (tx) => strip((await q.findVersion(tx, ref.namespace, ref.model, ref.number))!),
    });
  }

  publishVersion(ctx: WriteContext, ref: VersionRef, reason: string | undefined): Promise<WriteOutcome<ModelVersion>> {
    return this.store.writer.write({
      ...ctx,
      decide: async (tx) => {
        const version = await q.findVersion(tx, ref.namespace, ref.model, ref.number);
        const draft = decidePublishVersion(version, label(ref), reason);
        // A draft may predate its namespace's current schema; what is published must satisfy it.
        checkExtra(await q.findExtensionSchema(tx, ref.namespace, 'version'), version!.metadata.extra, `${label(ref)} extra`);
        return [draft];
      },
      respond: async (tx) => strip((await q.findVersion(tx, ref.namespace, ref.model, ref.number))!),
    });
  }

  async getModel(namespace: string, name: string, versions = 10): Promise<Model> {
    const model = await q.findModel(this.store.db, namespace, name);
    if (model === undefined) throw new RegistryError('not_found', `Model ${namespace}/${name} does not exist`);
    const latest = await q.latestVersions(this.store.db, model.id, versions);
    return {
      ...strip(model),
      latestVersions: latest.map((v) => ({
        urn: v.urn,
        number: v.number,
        status: v.status,
        stage: v.stage,
        artifactDigest: v.artifactDigest,
        createdAt: v.createdAt,
      })),
    };
  }

  async getVersion(ref: VersionRef): Promise<ModelVersion> {
    const version = await q.findVersion(this.store.db, ref.namespace, ref.model, ref.number);
    if (version === undefined) throw new RegistryError('not_found', `Version ${label(ref)} does not exist`);
    return strip(version);
  }

  async getNamespace(name: string): Promise<Namespace> {
    const namespace = await q.findNamespace(this.store.db, name);
    if (namespace === undefined) throw new RegistryError('not_found', `Namespace ${name} does not exist`);
    return namespace;
  }

  /** Paths safe, every blob present and of the declared size. */
  private async checkManifest(entries: readonly ManifestEntryInput[]): Promise<NormalisedManifest> {
    const manifest = normaliseManifest(entries);
    const sizes = new Map<Digest, number | undefined>();
    for (const entry of manifest) {
      if (!sizes.has(entry.sha256)) sizes.set(entry.sha256, await this.blobSize(entry.sha256));
    }
    const missing = [...sizes].filter(([, size]) => size === undefined).map(([digest]) => digest);
    if (missing.length > 0) {
      throw new RegistryError('blobs_missing', `${missing.length} blob(s) named in the manifest are not uploaded yet: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}. Upload them with PUT /api/v1/blobs/{digest} first.`, {
        extensions: { missing },
      });
    }
    for (const entry of manifest) {
      const stored = sizes.get(entry.sha256)!;
      if (stored !== entry.size) {
        throw new RegistryError('size_mismatch', `${entry.path} is declared as ${entry.size} bytes but blob ${entry.sha256} holds ${stored}`, {
          extensions: { path: entry.path, declared: entry.size, stored },
        });
      }
    }
    return manifest;
  }

  /** Blobs never change, so a size once seen is remembered (bounded); absence is always asked again. */
  private async blobSize(digest: Digest): Promise<number | undefined> {
    const known = this.knownBlobSizes.get(digest);
    if (known !== undefined) return known;
    const stat = await this.blobs.stat(digest);
    if (stat !== undefined) {
      if (this.knownBlobSizes.size >= 100_000) this.knownBlobSizes.clear();
      this.knownBlobSizes.set(digest, stat.size);
    }
    return stat?.size;
  }
}
