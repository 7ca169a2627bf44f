import { describe, expect, it } from 'vitest';
import { dialects, discardTestRegistry, startTestRegistry, type TestRegistry, uploadBlob } from '../support/test-registry.js';

describe.each(dialects)('download baselines across a restart, on $name', ({ name: dialect, skip }) => {
  it.skipIf(skip)("are read back from the access log, so a restart does not reset a principal's count", async () => {
    // Twelve downloads in an hour is unusual here; ten happen before the restart.
    const anomaly = { minDownloads: 12 };
    const first = await startTestRegistry(dialect, { anomaly });
    const blob = await uploadBlob(first, 'weights');
    const download = async (registry: TestRegistry) => expect((await registry.api('GET', `/api/v1/blobs/${blob.digest}`)).status).toBe(200);
    for (let i = 0; i < 10; i += 1) await download(first);
    await first.close();

    const second = await startTestRegistry(dialect, { anomaly, dataDir: first.dataDir, schema: first.schema, adminToken: first.adminToken });
    try {
      const spikes = async () => (await second.api('GET', '/api/v1/security/events?kind=download_spike')).body.items as { principal: string }[];
      let after = 0;
      let found: { principal: string }[] = [];
      while (found.length === 0 && after < 6) {
        await download(second);
        after += 1;
        // The event is written after the answer; on a loaded machine that can take a while, so wait up to 3 s before the next download.
        for (let wait = 0; wait < 100 && found.length === 0; wait += 1) {
          found = await spikes();
          if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 30));
        }
      }
      // A count started afresh would need twelve more; carried over, two or three do it.
      expect(found).toEqual([expect.objectContaining({ principal: 'user:admin' })]);
      expect(after).toBeLessThanOrEqual(3);
    } finally {
      await discardTestRegistry(second);
    }
  });
});
