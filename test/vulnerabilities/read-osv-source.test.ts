import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { type OsvSourceItem, type ReadOsvOptions, readOsvSource } from '../../src/vulnerabilities/read-osv-source.js';
import { lodashTemplateInjection, log4Shell, requestsProxyLeak } from './osv-records.js';
import { buildZip } from './zip-writer.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'osv-source-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function collect(path: string, options?: ReadOsvOptions): Promise<OsvSourceItem[]> {
  const items: OsvSourceItem[] = [];
  for await (const item of readOsvSource(path, options)) items.push(item);
  return items;
}

/** Items as `source → id` or `source → error`, sources relative to the temp folder. */
const outline = (items: readonly OsvSourceItem[]) =>
  items.map((item) => [item.source.replace(`${root}/`, ''), item.advisory?.id ?? `error: ${item.error}`] as const);

const json = (value: unknown) => JSON.stringify(value, null, 2);

describe('reading OSV files', () => {
  it('reads one record from a JSON file', async () => {
    const file = join(root, 'GHSA-j8r2-6x86-q33q.json');
    await writeFile(file, json(requestsProxyLeak()));
    const items = await collect(file);
    expect(outline(items)).toEqual([['GHSA-j8r2-6x86-q33q.json', 'GHSA-j8r2-6x86-q33q']]);
    expect(items[0]!.advisory).toMatchObject({ severity: 'medium', score: 6.1 });
  });

  it('reads an array of records, reporting the bad one by its index without losing the others', async () => {
    const file = join(root, 'batch.json');
    await writeFile(file, json([requestsProxyLeak(), { id: 'GHSA-bad' }, lodashTemplateInjection()]));
    expect(outline(await collect(file))).toEqual([
      ['batch.json[0]', 'GHSA-j8r2-6x86-q33q'],
      ['batch.json[1]', 'error: The OSV record GHSA-bad is not valid: modified is required'],
      ['batch.json[2]', 'GHSA-35jh-r3h4-6jhm'],
    ]);
  });

  it('accepts a byte order mark before the JSON', async () => {
    const file = join(root, 'bom.json');
    await writeFile(file, `\uFEFF${json(log4Shell())}`);
    expect(outline(await collect(file))).toEqual([['bom.json', 'GHSA-jfh8-c2jp-5v3q']]);
  });

  it('refuses a file above the size limit without parsing it', async () => {
    const file = join(root, 'large.json');
    await writeFile(file, json({ ...requestsProxyLeak(), details: 'x'.repeat(2000) }));
    const [item] = await collect(file, { maxFileBytes: 1000 });
    expect(item!.error).toMatch(/^The file is larger than the limit of 1000 bytes \(\d+ bytes or more\)$/);
  });

  it('throws not_found for a path that does not exist', async () => {
    const error = await collect(join(root, 'missing.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('not_found');
  });
});

describe('reading a folder of OSV files', () => {
  let folder: string;

  beforeAll(async () => {
    folder = join(root, 'advisories');
    const outside = join(root, 'outside');
    await mkdir(join(folder, 'npm'), { recursive: true });
    await mkdir(join(folder, 'PyPI', 'requests'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(folder, 'PyPI', 'requests', 'GHSA-j8r2-6x86-q33q.json'), json(requestsProxyLeak()));
    await writeFile(join(folder, 'npm', 'GHSA-35jh-r3h4-6jhm.json'), json(lodashTemplateInjection()));
    await writeFile(join(folder, 'npm', 'broken.json'), '{"id": "GHSA-broken", "modified": ');
    await writeFile(join(folder, 'npm', 'README.md'), '# not an advisory');
    await writeFile(join(folder, 'Maven.JSON'), json(log4Shell()));
    await writeFile(join(outside, 'secret.json'), json({ ...requestsProxyLeak(), id: 'GHSA-outside' }));
    await symlink(join(outside, 'secret.json'), join(folder, 'linked.json'));
    await symlink(outside, join(folder, 'linked-folder'));
  });

  it('reads every JSON file in sorted order, reports the broken one, skips other files and symbolic links', async () => {
    expect(outline(await collect(folder))).toEqual([
      ['advisories/Maven.JSON', 'GHSA-jfh8-c2jp-5v3q'],
      ['advisories/PyPI/requests/GHSA-j8r2-6x86-q33q.json', 'GHSA-j8r2-6x86-q33q'],
      ['advisories/npm/GHSA-35jh-r3h4-6jhm.json', 'GHSA-35jh-r3h4-6jhm'],
      ['advisories/npm/broken.json', expect.stringMatching(/^error: The record is not valid JSON: /)],
    ]);
  });

  it('stops after the file limit, saying so', async () => {
    const items = await collect(folder, { maxFiles: 2 });
    expect(outline(items)).toEqual([
      ['advisories/Maven.JSON', 'GHSA-jfh8-c2jp-5v3q'],
      ['advisories/PyPI/requests/GHSA-j8r2-6x86-q33q.json', 'GHSA-j8r2-6x86-q33q'],
      ['advisories', 'error: Reading stopped: the folder holds more than 2 JSON files'],
    ]);
  });
});

describe('reading an OSV zip', () => {
  it('reads one record per JSON entry, deflated or stored, and skips folders and other files', async () => {
    const file = join(root, 'all.zip');
    await writeFile(
      file,
      buildZip([
        { name: 'GHSA-j8r2-6x86-q33q.json', content: json(requestsProxyLeak()) },
        { name: 'docs/', content: '' },
        { name: 'LICENSE.txt', content: 'CC-BY 4.0' },
        { name: 'GHSA-35jh-r3h4-6jhm.json', content: json(lodashTemplateInjection()), method: 0 },
        { name: 'GHSA-bad.json', content: json({ id: 'GHSA-bad', modified: 'yesterday' }) },
        { name: 'nested/GHSA-jfh8-c2jp-5v3q.json', content: json(log4Shell()) },
      ]),
    );
    expect(outline(await collect(file))).toEqual([
      ['all.zip!/GHSA-j8r2-6x86-q33q.json', 'GHSA-j8r2-6x86-q33q'],
      ['all.zip!/GHSA-35jh-r3h4-6jhm.json', 'GHSA-35jh-r3h4-6jhm'],
      ['all.zip!/GHSA-bad.json', expect.stringMatching(/^error: The OSV record GHSA-bad is not valid: modified must match pattern/)],
      ['all.zip!/nested/GHSA-jfh8-c2jp-5v3q.json', 'GHSA-jfh8-c2jp-5v3q'],
    ]);
  });

  it('refuses an entry whose size is above the limit without inflating it, and reads on', async () => {
    const file = join(root, 'bomb.zip');
    await writeFile(
      file,
      buildZip([
        { name: 'bomb.json', content: `[${' '.repeat(200_000)}]` },
        { name: 'GHSA-j8r2-6x86-q33q.json', content: json(requestsProxyLeak()) },
      ]),
    );
    expect(outline(await collect(file, { maxFileBytes: 100_000 }))).toEqual([
      ['bomb.zip!/bomb.json', 'error: The entry is larger than the limit of 100000 bytes (200002 bytes or more)'],
      ['bomb.zip!/GHSA-j8r2-6x86-q33q.json', 'GHSA-j8r2-6x86-q33q'],
    ]);
  });

  it('stops inflating an entry whose header understates its size', async () => {
    const file = join(root, 'liar.zip');
    await writeFile(
      file,
      buildZip([
        { name: 'liar.json', content: `[${' '.repeat(200_000)}]`, declaredSize: 100 },
        { name: 'GHSA-j8r2-6x86-q33q.json', content: json(requestsProxyLeak()) },
      ]),
    );
    const items = await collect(file, { maxFileBytes: 100_000 });
    expect(items).toHaveLength(2);
    expect(items[0]!.error).toMatch(/^The entry cannot be read: too many bytes|^The entry is larger than the limit/);
    expect(items[1]!.advisory?.id).toBe('GHSA-j8r2-6x86-q33q');
  });

  it('recognizes a zip by its signature whatever its name', async () => {
    const file = join(root, 'osv-dump.bin');
    await writeFile(file, buildZip([{ name: 'GHSA-jfh8-c2jp-5v3q.json', content: json(log4Shell()) }]));
    expect(outline(await collect(file))).toEqual([['osv-dump.bin!/GHSA-jfh8-c2jp-5v3q.json', 'GHSA-jfh8-c2jp-5v3q']]);
  });

  it('reports a .zip that is not a zip', async () => {
    const file = join(root, 'fake.zip');
    await writeFile(file, json(requestsProxyLeak()));
    const items = await collect(file);
    expect(items).toEqual([{ source: file, error: expect.stringMatching(/^The zip cannot be read: /) }]);
  });

  it('stops after the entry limit', async () => {
    const file = join(root, 'many.zip');
    const entries = ['a', 'b', 'c'].map((n) => ({ name: `${n}.json`, content: json({ ...requestsProxyLeak(), id: `GHSA-${n}` }) }));
    await writeFile(file, buildZip(entries));
    expect(outline(await collect(file, { maxFiles: 2 }))).toEqual([
      ['many.zip!/a.json', 'GHSA-a'],
      ['many.zip!/b.json', 'GHSA-b'],
      ['many.zip', 'error: Reading stopped: the zip holds more than 2 JSON entries'],
    ]);
  });
});
