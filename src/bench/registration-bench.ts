import { randomBytes } from 'node:crypto';
import { digestOfBytes } from '../artifacts/digest.js';
import { type BlobRef, modelCommand, seededRandom, versionCommand } from './catalog-shape.js';
import { type HttpClient, type LoadResult, expectOk, runTimed } from './http-load.js';

export interface RegistrationSettings {
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface RegistrationFigures {
  readonly namespace: string;
  readonly oneClientOneModel: LoadResult;
  /** All eight clients register into one model: the worst case, as every number is assigned from one counter. */
  readonly eightClientsOneModel: LoadResult;
  readonly eightClientsEightModels: LoadResult;
}

const NAMESPACE = 'bench-writes';
const BODY_POOL = 512;

/** Uploads small blobs over HTTP, as a client would before registering a version that names them. */
async function uploadBlobs(client: HttpClient, count: number): Promise<BlobRef[]> {
  const refs: BlobRef[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = randomBytes(2048 + i * 1024);
    const digest = digestOfBytes(bytes);
    await expectOk(client, { method: 'PUT', path: `/api/v1/blobs/${digest}`, body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    refs.push({ sha256: digest, size: bytes.length });
  }
  return refs;
}

/**
 * POST /api/v1/models/{ns}/{name}/versions in a closed loop. Bodies are built
 * beforehand so that the client, which shares the machine's two cores with the
 * server, spends as little CPU as it can.
 */
export async function benchRegistrations(client: HttpClient, settings: RegistrationSettings, note: (text: string) => void): Promise<RegistrationFigures> {
  const random = seededRandom(7);
  await expectOk(client, { method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ name: NAMESPACE, description: 'Registration throughput' }) });
  const models = Array.from({ length: 8 }, (_, i) => `writer-${i}`);
  for (const name of models) {
    await expectOk(client, { method: 'POST', path: '/api/v1/models', body: JSON.stringify(modelCommand(random, NAMESPACE, name)) });
  }
  const blobs = await uploadBlobs(client, 2);
  const bodies = Array.from({ length: BODY_POOL }, (_, i) => JSON.stringify(versionCommand(random, blobs, `bench #${i}`)));

  const run = (clients: number, modelOf: (client: number) => string) =>
    runTimed(
      client,
      {
        clients,
        next: (c, i) => ({ method: 'POST', path: `/api/v1/models/${NAMESPACE}/${modelOf(c)}/versions`, body: bodies[(c * 61 + i) % BODY_POOL] }),
      },
      settings.warmupMs,
      settings.durationMs,
    );

  note('registrations: 1 client, one model');
  const oneClientOneModel = await run(1, () => models[0]!);
  note(`  ${oneClientOneModel.opsPerSec}/s; 8 clients, one model`);
  const eightClientsOneModel = await run(8, () => models[1]!);
  note(`  ${eightClientsOneModel.opsPerSec}/s; 8 clients, a model each`);
  const eightClientsEightModels = await run(8, (c) => models[c]!);
  note(`  ${eightClientsEightModels.opsPerSec}/s`);
  return { namespace: NAMESPACE, oneClientOneModel, eightClientsOneModel, eightClientsEightModels };
}
