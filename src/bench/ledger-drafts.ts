import { digestOfBytes } from '../artifacts/digest.js';
import { manifestDigest, normaliseManifest } from '../artifacts/manifest.js';
import type { ModelCreated, NamespaceCreated, VersionPublished, VersionRegistered } from '../catalog/entry-payloads.js';
import { asPayload } from '../catalog/entry-payloads.js';
import { modelUrn, namespaceUrn, versionUrn } from '../catalog/urns.js';
import type { EntryDraft } from '../ledger/entry.js';
import { type BlobRef, type CatalogShape, modelCommand, modelName, namespaceName, versionCommand } from './catalog-shape.js';

/** Distinct version bodies to draw from; the registration bench sends a pool of the same size. */
const TEMPLATES = 512;

/**
 * The ledger a busy catalog writes, as drafts, without a store behind them:
 * its namespaces and models created, then versions registered round-robin
 * over the models, every `publishEvery`-th one published straight after. The
 * payloads are built as decide-version.ts and decide-model.ts build them, from
 * the commands the loader sends, so entries have the loaded ledger's size and
 * mix and the result replays into valid projections. Version metadata comes
 * from a pool built once (names and numbers vary per entry), so drafting
 * costs little next to the sealing and appending being measured. Endless:
 * the caller takes as many as it wants.
 */
export function* ledgerDrafts(random: () => number, shape: Pick<CatalogShape, 'namespaces' | 'modelsPerNamespace' | 'publishEvery'>): Generator<EntryDraft, never> {
  // Manifests name blobs by digest only; a bare ledger needs no blob behind them.
  const blobs: BlobRef[] = Array.from({ length: 16 }, (_, i) => ({ sha256: digestOfBytes(Buffer.from(`bench blob ${i}`)), size: 1024 + i * 512 }));
  const templates = Array.from({ length: TEMPLATES }, (_, i) => {
    const { manifest: input, ...metadata } = versionCommand(random, blobs, `bench #${i}`);
    const manifest = normaliseManifest(input);
    return { manifest, artifactDigest: manifestDigest(manifest), metadata };
  });
  const models: { namespace: string; name: string; last: number }[] = [];
  for (let n = 0; n < shape.namespaces; n++) {
    const name = namespaceName(n);
    const created: NamespaceCreated = { name, description: `Bench team ${n}` };
    yield { action: 'namespace.created', subject: namespaceUrn(name), payload: asPayload(created) };
    for (let m = 0; m < shape.modelsPerNamespace; m++) models.push({ namespace: name, name: modelName(m), last: 0 });
  }
  for (const model of models) {
    const command = modelCommand(random, model.namespace, model.name);
    const created: ModelCreated = {
      namespace: model.namespace,
      name: model.name,
      description: command.description ?? '',
      owners: command.owners ?? [],
      domain: command.domain ?? null,
      tags: command.tags ?? [],
      riskProfile: null,
      extra: {},
    };
    yield { action: 'model.created', subject: modelUrn(model.namespace, model.name), payload: asPayload(created) };
  }
  for (let i = 0; ; i++) {
    const model = models[i % models.length]!;
    const number = ++model.last;
    const template = templates[Math.floor(random() * TEMPLATES)]!;
    const registered: VersionRegistered = { namespace: model.namespace, model: model.name, number, ...template };
    const subject = versionUrn(model.namespace, model.name, number);
    yield { action: 'version.registered', subject, payload: asPayload(registered) };
    if (number % shape.publishEvery === 0) {
      const published: VersionPublished = { namespace: model.namespace, model: model.name, number, artifactDigest: template.artifactDigest };
      yield { action: 'version.published', subject, reason: 'bench', payload: asPayload(published) };
    }
  }
}
