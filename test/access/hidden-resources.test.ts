import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor } from '../support/test-registry.js';

describe.each(dialects)('resources the caller may not read, on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  let outsider: string;

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    for (const ns of ['alpha', 'beta']) expect((await registry.api('POST', '/api/v1/namespaces', { name: ns })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'beta', name: 'secret' })).status).toBe(201);
    outsider = await tokenFor(registry, 'user:olga', [{ role: 'viewer', namespace: 'alpha' }]);
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  it.skipIf(skip)('answer exactly as missing ones do, at a past time too', async () => {
    const at = new Date().toISOString();
    for (const query of ['', `?asOf=${encodeURIComponent(at)}`, '?asOf=1']) {
      const hidden = await callAs(registry, outsider, 'GET', `/api/v1/models/beta/secret${query}`);
      const missing = await callAs(registry, outsider, 'GET', `/api/v1/models/alpha/secret${query}`);
      expect(hidden.status, query).toBe(404);
      expect(hidden.body.detail, query).toBe(missing.body.detail.replace('alpha/', 'beta/'));
    }
  });
});
