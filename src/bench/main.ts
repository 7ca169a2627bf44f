import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { CatalogShape } from './catalog-shape.js';
import { serverNodeFlags, v8Workarounds } from '../server/node-flags.js';
import { type NodeChild, startNodeChild, stopNodeChild } from './child-process.js';
import { HttpClient, expectOk } from './http-load.js';
import { benchIngest } from './ingest-bench.js';
import { benchLedger } from './ledger-bench.js';
import { round } from './percentiles.js';
import { processMemory } from './process-memory.js';
import { SEARCH_QUERIES, benchReads } from './read-bench.js';
import { benchRegistrations } from './registration-bench.js';
import { benchAuthorization } from './authorization-bench.js';
import { benchGates } from './gate-bench.js';
import { benchLineage } from './lineage-bench.js';
import { benchLineageOverHttp } from './lineage-http-bench.js';

/*
 * ModelKeep's performance figures on this machine, as one JSON document on
 * stdout (progress goes to stderr). The server runs in a child process; a
 * loader process fills the catalog before it starts. BENCH_QUICK=1 shrinks
 * every phase for a smoke test; BENCH_BLOB_MB sets the blob size in MiB;
 * BENCH_LEDGER_ENTRIES the size of the bare ledger proofs and verify are
 * measured over; BENCH_CPU_PROF=<dir> writes a CPU profile of the server there.
 */

const TARGETS = { registrationsPerSec8Clients: 2000, searchP99Ms: 20, ingestRatio: 0.7, rssMiB: 200 } as const;

const quick = process.env.BENCH_QUICK === '1';
const shape: CatalogShape = quick
  ? { namespaces: 10, modelsPerNamespace: 20, versionsPerModel: 50, publishEvery: 3 }
  : { namespaces: 10, modelsPerNamespace: 100, versionsPerModel: 100, publishEvery: 3 };
const settings = {
  registration: quick ? { warmupMs: 500, durationMs: 2000 } : { warmupMs: 1000, durationMs: 5000 },
  reads: quick ? { clients: 4, requestsPerQuery: 500, warmupPerQuery: 50 } : { clients: 4, requestsPerQuery: 2000, warmupPerQuery: 200 },
  blobBytes: Number(process.env.BENCH_BLOB_MB ?? (quick ? 64 : 1024)) * 1024 * 1024,
  ledgerEntries: Number(process.env.BENCH_LEDGER_ENTRIES ?? (quick ? 50_000 : 1_000_000)),
};
const note = (text: string): void => void process.stderr.write(`[bench] ${text}\n`);
const script = (name: string): URL => new URL(`./${name}.js`, import.meta.url);

const children: NodeChild<unknown>[] = [];
let scratch: string | undefined;

function start<T>(name: string, env: Record<string, string>, nodeFlags: readonly string[] = []): NodeChild<T> {
  const child = startNodeChild<T>(script(name), env, nodeFlags);
  children.push(child);
  return child;
}

async function cleanUp(): Promise<void> {
  await Promise.allSettled(children.map((child) => stopNodeChild(child)));
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
}

async function run(): Promise<Record<string, unknown>> {
  const startedAt = new Date();
  const began = performance.now();
  // The machine may be shared: its load says how far the figures can be trusted.
  const loadAtStart = loadavg().map((l) => round(l, 2));
  scratch = await mkdtemp(join(tmpdir(), 'modelkeep-bench-'));
  const dataDir = join(scratch, 'data');
  const adminToken = `mk_bench_${randomBytes(32).toString('base64url')}`;
  const env = { BENCH_DATA_DIR: dataDir, BENCH_ADMIN_TOKEN: adminToken };

  note(`loading ${shape.namespaces * shape.modelsPerNamespace * shape.versionsPerModel} versions in a loader process`);
  const loader = start<Record<string, number>>('load-catalog', { ...env, BENCH_SHAPE: JSON.stringify(shape) }, v8Workarounds);
  const load = await loader.report;
  if ((await loader.exited) !== 0) throw new Error('the loader failed after reporting');

  const profileDir = process.env.BENCH_CPU_PROF;
  if (profileDir !== undefined) await mkdir(profileDir, { recursive: true });
  // Started with the flags the modelkeep command runs with, so RSS and throughput are what users get.
  const server = start<{ url: string }>('server-child', env, [...serverNodeFlags, ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir])]);
  const { url } = await server.report;
  note(`server ${server.pid} at ${url}`);
  const memoryAtStart = await processMemory(server.pid);

  const client = new HttpClient(url, adminToken, 16);
  try {
    await expectOk(client, { method: 'GET', path: '/readyz' });
    const registrations = await benchRegistrations(client, settings.registration, note);
    const memoryAfterRegistrations = await processMemory(server.pid);
    const reads = await benchReads(client, shape, settings.reads, note);
    const memoryAfterLoadAndReads = await processMemory(server.pid);
    const authorization = await benchAuthorization(client, (token) => new HttpClient(url, token, 4), shape, quick, note);
    const gates = await benchGates(client, shape, quick, note);
    const lineageOverHttp = await benchLineageOverHttp(client, quick, note);
    const ingest = await benchIngest(client, scratch, settings.blobBytes, note);
    const memoryAtEnd = await processMemory(server.pid);
    client.close();
    // verify reads the data directory offline, as an operator would run it: with the server stopped.
    await stopNodeChild(server);
    const ledger = await benchLedger({
      scratch,
      catalogDataDir: dataDir,
      entries: settings.ledgerEntries,
      adminToken,
      reads: settings.reads,
      registrations,
      start,
      stop: stopNodeChild,
      note,
    });
    // In this process, after the server has stopped, so the walks have the CPUs to themselves.
    note(`lineage: building a ${quick ? '50k-node' : '1M-node / 5M-edge'} graph in process`);
    const lineage = await benchLineage({ quick, note });

    const searchP99Ms = Math.max(...SEARCH_QUERIES.map((q) => reads[q].latency.p99Ms));
    const measured = {
      registrationsPerSec8Clients: registrations.eightClientsOneModel.opsPerSec,
      searchP99Ms,
      ingestRatio: ingest.ratio,
      rssMiB: memoryAfterLoadAndReads.rssMiB,
    };
    return {
      bench: 'modelkeep',
      quick,
      startedAt: startedAt.toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: round(totalmem() / 1024 ** 3, 1), node: process.version, platform: `${process.platform} ${release()}`, loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((l) => round(l, 2)) } },
      database: 'sqlite (embedded, WAL, synchronous=FULL)',
      load: { ...load, via: 'CatalogService.registerVersion/publishVersion in a loader process, then the server opened the same data dir' },
      registrations: {
        note: 'POST /api/v1/models/{ns}/{name}/versions, keep-alive node:http; 2-file manifest, license, metrics, tags, trainingRun.params, environment.libraries purls',
        ...registrations,
      },
      reads: { clients: settings.reads.clients, catalogVersions: load.versions, ...reads },
      authorization,
      gates,
      blobIngest: ingest,
      ledger,
      lineage: { ...lineage, overHttp: lineageOverHttp },
      serverMemory: { pid: server.pid, atStart: memoryAtStart, afterRegistrations: memoryAfterRegistrations, afterLoadAndReads: memoryAfterLoadAndReads, atEnd: memoryAtEnd },
      targets: TARGETS,
      measured,
      pass: {
        registrationsPerSec8Clients: measured.registrationsPerSec8Clients >= TARGETS.registrationsPerSec8Clients,
        searchP99Ms: measured.searchP99Ms <= TARGETS.searchP99Ms,
        ingestRatio: measured.ingestRatio >= TARGETS.ingestRatio,
        rssMiB: measured.rssMiB <= TARGETS.rssMiB,
      },
      notes: {
        registrationsPerSec8Clients: 'eightClientsOneModel: all 8 clients register into one model (worst case for number assignment)',
        searchP99Ms: `worst p99 of ${SEARCH_QUERIES.join(', ')}`,
        rssMiB: 'server VmRSS after the catalog load, registrations and reads (before the blob ingest); peaks are in serverMemory.*.hwmMiB',
        blobMB: 'MB = 1e6 bytes; BENCH_BLOB_MB is the file size in MiB',
        loadAverage: 'machine.loadAverage: 1/5/15-minute load averages at the start and end, the bench\'s own processes included; on a shared machine, well above the core count means other work competed for the CPUs',
      },
      runSeconds: round((performance.now() - began) / 1000, 1),
    };
  } finally {
    client.close();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    note(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  const report = await run();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} catch (error) {
  note(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
