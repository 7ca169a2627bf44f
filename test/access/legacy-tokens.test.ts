import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../src/access/api-token.js';
import { callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry } from '../support/test-registry.js';

/*
 * Before role bindings existed a token carried its holder's roles. Such
 * entries stay in the ledger forever; replaying them must still give the
 * holder those roles (as bindings that end with the token), or upgrading a
 * registry would lock its service accounts out.
 */
describe.each(dialects)('tokens from before role bindings, on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  const secret = generateToken();
  const id = randomUUID();

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    const legacy = { id, name: 'old-ci', principal: 'service:old-ci', roles: ['contributor' as const], tokenHash: hashToken(secret), expiresAt: null };
    await registry.server.registry.writer.write({ actor: 'user:admin' }, 'createToken', { token: legacy, onlyIfFirst: false });
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  it.skipIf(skip)("keep their holder's roles as a binding through the token", async () => {
    const who = await callAs(registry, secret, 'GET', '/api/v1/whoami');
    expect(who.body).toMatchObject({ principal: 'service:old-ci', roles: ['contributor'], grants: [{ role: 'contributor', namespace: null, via: `token:${id}` }], scope: { roles: null, namespaces: null } });
  });

  it.skipIf(skip)('are flagged by the access review for having no expiry', async () => {
    const review = (await registry.api('GET', '/api/v1/access/review')).body;
    expect(review.tokens).toContainEqual(expect.objectContaining({ id, flags: ['no_expiry'] }));
    expect(review.grants).toContainEqual(expect.objectContaining({ principal: 'service:old-ci', role: 'contributor', through: `token:${id}` }));
  });

  it.skipIf(skip)('lose those roles when revoked', async () => {
    expect((await registry.api('DELETE', `/api/v1/tokens/${id}`)).status).toBe(204);
    const bindings = (await registry.api('GET', '/api/v1/bindings?principal=service:old-ci')).body.items;
    expect(bindings).toEqual([]);
  });
});
