import { existed } from './existed.js';
import type { BlobStore } from '../artifacts/blob-store.js';
import type { Digest } from '../artifacts/digest.js';
import { type NormalisedManifest, normaliseManifest } from '../artifacts/manifest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { JsonObject } from '../ledger/entry.js';
import type { Store } from '../store/open-store.js';
import * as q from '../store/queries/find-catalog.js';
import type { WriteContext, WriteOutcome, Writer } from '../store/write-command.js';
import type { WriteCommands } from '../server/write-commands.js';
import { type VersionRef, versionLabel } from './catalog-commands.js';
import { compileExtensionSchema } from './extension-schemas.js';
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
import type { AsOf } from '../store/queries/as-of.js';
import { checkVersionMetadata } from './validate-metadata.js';

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
    private readonly writer: Writer<WriteCommands>,
    private readonly blobs: BlobStore,
  ) {}

  createNamespace(ctx: WriteContext, command: CreateNamespace): Promise<WriteOutcome<Namespace>> {
    return this.writer.write(ctx, 'createNamespace', command);
  }

  setExtensionSchema(ctx: WriteContext, name: string, kind: ExtensionKind, schema: JsonObject | null): Promise<WriteOutcome<Namespace>> {
    if (schema !== null) compileExtensionSchema(schema); // refuse a broken schema before queueing it
    return this.writer.write(ctx, 'setExtensionSchema', { name, kind, schema });
  }

  createModel(ctx: WriteContext, command: CreateModel): Promise<WriteOutcome<Model>> {
    return this.writer.write(ctx, 'createModel', command);
  }

  updateModel(ctx: WriteContext, namespace: string, name: string, patch: UpdateModel, ifMatch: string | undefined): Promise<WriteOutcome<Model>> {
    return this.writer.write(ctx, 'updateModel', { namespace, name, patch, ifMatch });
  }

  /** Puts the model's metadata back as it stood at a past point, as a new ledgered change. */
  restoreModel(ctx: WriteContext, namespace: string, name: string, asOf: number, reason: string | undefined, ifMatch: string | undefined): Promise<WriteOutcome<Model>> {
    return this.writer.write(ctx, 'restoreModel', { namespace, name, asOf, reason, ifMatch });
  }

  async registerVersion(ctx: WriteContext, namespace: string, model: string, command: RegisterVersion): Promise<WriteOutcome<ModelVersion>> {
    const { manifest: rawManifest, ...metadata } = command;
    const manifest = await this.checkManifest(rawManifest);
    checkVersionMetadata(metadata);
    return this.writer.write(ctx, 'registerVersion', { namespace, model, manifest, metadata });
  }

  async updateVersion(ctx: WriteContext, ref: VersionRef, patch: UpdateVersion, ifMatch: string | undefined): Promise<WriteOutcome<ModelVersion>> {
    const manifest = patch.manifest === undefined ? undefined : await this.checkManifest(patch.manifest);
    const { manifest: _m, reason: _r, ...metadata } = patch;
    checkVersionMetadata(metadata as VersionMetadata);
    return this.writer.write(ctx, 'updateVersion', { ref, patch, manifest, ifMatch });
  }

  publishVersion(ctx: WriteContext, ref: VersionRef, reason: string | undefined): Promise<WriteOutcome<ModelVersion>> {
    return this.writer.write(ctx, 'publishVersion', { ref, reason });
  }

  async getModel(namespace: string, name: string, versions = 10, asOf?: AsOf): Promise<Model> {
    const model = await q.findModel(this.store.db, namespace, name, asOf);
    if (model === undefined) throw new RegistryError('not_found', `Model ${namespace}/${name} ${existed(asOf)}`);
    const latest = await q.latestVersions(this.store.db, namespace, name, versions, asOf);
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

  async getVersion(ref: VersionRef, asOf?: AsOf): Promise<ModelVersion> {
    const version = await q.findVersion(this.store.db, ref.namespace, ref.model, ref.number, asOf);
    if (version === undefined) throw new RegistryError('not_found', `Version ${versionLabel(ref)} ${existed(asOf)}`);
    return strip(version);
  }

  async getNamespace(name: string, asOf?: AsOf): Promise<Namespace> {
    const namespace = await q.findNamespace(this.store.db, name, asOf);
    if (namespace === undefined) throw new RegistryError('not_found', `Namespace ${name} ${existed(asOf)}`);
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
