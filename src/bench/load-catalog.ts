import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { digestOfBytes } from '../artifacts/digest.js';
import type { WriteContext } from '../store/write-command.js';
import { openRegistry } from '../server/open-registry.js';
import { type BlobRef, type CatalogShape, modelCommand, modelName, namespaceName, seededRandom, versionCommand } from './catalog-shape.js';
import { requiredEnv } from './child-env.js';

/*
 * Fills a registry with a synthetic catalog through the service layer, in a
 * process of its own that exits before the server starts: the server's
 * memory then reflects serving, not loading. Many writes are kept in flight
 * at once so the group-commit writer packs them into few transactions.
 * Prints one JSON line with the timings.
 */

const shape = JSON.parse(requiredEnv('BENCH_SHAPE')) as CatalogShape;
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 512);
const ctx: WriteContext = { actor: 'user:admin' };
const random = seededRandom(42);
const elapsed = (since: number): number => Math.round(performance.now() - since);
const note = (text: string): void => void process.stderr.write(`[loader] ${text}\n`);

/** Runs `count` tasks with at most `limit` pending at once. */
async function pooled(count: number, limit: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

// Scores are computed once after the load, as after a bulk import, rather than after every commit.
const registry = await openRegistry({ dataDir: requiredEnv('BENCH_DATA_DIR'), host: '127.0.0.1', port: 0, adminToken: requiredEnv('BENCH_ADMIN_TOKEN'), riskScoring: { auto: false } });
try {
  const blobs: BlobRef[] = [];
  for (let i = 0; i < 16; i++) {
    const bytes = randomBytes(1024 + i * 512);
    const digest = digestOfBytes(bytes);
    await registry.blobs.put(digest, Readable.from([bytes]));
    blobs.push({ sha256: digest, size: bytes.length });
  }

  const setupStart = performance.now();
  const models: { namespace: string; name: string }[] = [];
  for (let n = 0; n < shape.namespaces; n++) {
    const namespace = namespaceName(n);
    await registry.catalog.createNamespace(ctx, { name: namespace, description: `Bench team ${n}` });
    for (let m = 0; m < shape.modelsPerNamespace; m++) models.push({ namespace, name: modelName(m) });
  }
  await pooled(models.length, inFlight, (i) => registry.catalog.createModel(ctx, modelCommand(random, models[i]!.namespace, models[i]!.name)));
  note(`${shape.namespaces} namespaces and ${models.length} models in ${elapsed(setupStart)} ms`);

  // Round-robin over models, so each group commit touches many models as real traffic would.
  const total = models.length * shape.versionsPerModel;
  const registerStart = performance.now();
  let done = 0;
  await pooled(total, inFlight, async (i) => {
    const model = models[i % models.length]!;
    await registry.catalog.registerVersion(ctx, model.namespace, model.name, versionCommand(random, blobs, `${model.namespace}/${model.name}`));
    if (++done % 20_000 === 0) note(`${done}/${total} versions registered (${Math.round(done / (elapsed(registerStart) / 1000))}/s)`);
  });
  const registerMs = elapsed(registerStart);

  const toPublish: { namespace: string; model: string; number: number }[] = [];
  for (const model of models) {
    for (let number = shape.publishEvery; number <= shape.versionsPerModel; number += shape.publishEvery) {
      toPublish.push({ namespace: model.namespace, model: model.name, number });
    }
  }
  const publishStart = performance.now();
  await pooled(toPublish.length, inFlight, (i) => registry.catalog.publishVersion(ctx, toPublish[i]!, 'bench'));
  const publishMs = elapsed(publishStart);
  await registry.writer.idle();
  note(`${total} versions in ${registerMs} ms, ${toPublish.length} published in ${publishMs} ms`);
  const scoreStart = performance.now();
  const scored = await registry.rescorer.rescoreAll();
  const scoreMs = elapsed(scoreStart);
  note(`${scored.scored} models scored in ${scoreMs} ms`);

  process.stdout.write(
    `${JSON.stringify({
      namespaces: shape.namespaces,
      models: models.length,
      versions: total,
      published: toPublish.length,
      registerMs,
      registerPerSec: Math.round(total / (registerMs / 1000)),
      publishMs,
      publishPerSec: Math.round(toPublish.length / (publishMs / 1000)),
      riskScoreMs: scoreMs,
      inFlight,
    })}\n`,
  );
} finally {
  await registry.close();
}
