import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, jsonOf, runCli, startTestRegistry } from './cli-harness.js';

interface Issued {
  readonly id: string;
  readonly token: string;
  readonly principal: string;
  readonly roles: string[] | null;
  readonly namespaces: string[] | null;
}

describe('access and token commands against a real server', { timeout: 60_000 }, () => {
  let registry: TestRegistry;
  let scratch: string;
  /** Runs the CLI as the admin, or with the given token. */
  const cli = (args: string[], token?: string) => runCli(args, { env: { ...registry.env, ...(token === undefined ? {} : { MODELKEEP_TOKEN: token }) } });
  const json = <T = Record<string, unknown>>(args: string[], token?: string) => cli(['--json', ...args], token).then((run) => {
    expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    return jsonOf<T>(run);
  });
  /** Grants `principal` a role (as the admin, through the CLI) and issues it a token; returns the secret. */
  async function tokenFor(principal: string, role: string, namespace?: string): Promise<string> {
    await json(['access', 'grant', principal, role, '--reason', 'set up by the test', ...(namespace === undefined ? [] : ['--namespace', namespace])]);
    return (await json<Issued>(['token', 'create', principal.replace(':', '-'), '--principal', principal])).token;
  }

  beforeAll(async () => {
    registry = await startTestRegistry();
    scratch = await mkdtemp(join(tmpdir(), 'modelkeep-access-cli-'));
    await registry.client.namespaces.create({ name: 'fraud' });
  });

  afterAll(async () => {
    await registry?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('grants a role that a token created for that principal then carries', async () => {
    const granted = await json(['access', 'grant', 'user:alice', 'maintainer', '--namespace', 'fraud', '--reason', 'joins the fraud team']);
    expect(granted).toMatchObject({ id: expect.any(String), principal: 'user:alice', role: 'maintainer', namespace: 'fraud', expiresAt: null });

    const created = await cli(['token', 'create', 'alice-laptop', '--principal', 'user:alice']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/for user:alice, expires /);
    expect(created.stdout).toContain("roles:      all of user:alice's roles");
    expect(created.stdout).toContain('namespaces: all');
    const secret = /^ {2}(mk_\S+)$/m.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();

    expect(await json(['whoami'], secret)).toMatchObject({ principal: 'user:alice', roles: ['maintainer'], grants: [{ role: 'maintainer', namespace: 'fraud', via: 'binding' }], scope: { roles: null, namespaces: null } });
    const human = await cli(['whoami'], secret);
    expect(human.stdout).toContain('maintainer in fraud, through binding');
  });

  it('says "all your roles" for an unscoped token of your own, and lists a scoped one', async () => {
    const own = await cli(['token', 'create', 'admin-laptop']);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toContain('for user:admin');
    expect(own.stdout).toContain('roles:      all your roles');

    const scoped = await json<Issued>(['token', 'create', 'fraud-reader', '--role', 'viewer', '--namespace', 'fraud', '--expires-in-days', '2']);
    expect(scoped).toMatchObject({ principal: 'user:admin', roles: ['viewer'], namespaces: ['fraud'] });
    expect(await json(['whoami'], scoped.token)).toMatchObject({ roles: ['viewer'], scope: { roles: ['viewer'], namespaces: ['fraud'] } });

    const list = await json<{ items: { id: string; roles: string[] | null }[] }>(['token', 'list', '--principal', 'user:admin']);
    expect(list.items).toContainEqual(expect.objectContaining({ id: scoped.id, roles: ['viewer'], namespaces: ['fraud'], lastUsedAt: null }));
    const table = await cli(['token', 'list']);
    expect(table.stdout).toMatch(/^ID +NAME +PRINCIPAL +ROLES +NAMESPACES +STATE +EXPIRES +LAST USED$/m);
    expect(table.stdout).toMatch(new RegExp(`^${scoped.id} +fraud-reader +user:admin +viewer +fraud +active `, 'm'));
  });

  it('refuses a token for someone who holds no such grant, saying to grant it first', async () => {
    const run = await cli(['token', 'create', 'nobody', '--principal', 'user:nobody', '--role', 'viewer']);
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/^error: .*grant it first .*modelkeep access grant user:nobody viewer/m);
  });

  it('lists the grant in an access review, as JSON and as a table', async () => {
    await json(['access', 'grant', 'group:analysts', 'viewer', '--reason', 'analysts read the catalog']);
    await tokenFor('user:bob', 'contributor', 'fraud');
    await json(['access', 'group', 'add', 'group:analysts', 'user:bob']);

    const review = await json<{ unusedDays: number; grants: Record<string, unknown>[]; tokens: unknown[] }>(['access', 'review', '--unused-days', '30']);
    expect(review.unusedDays).toBe(30);
    expect(review.grants).toContainEqual(expect.objectContaining({ principal: 'user:alice', role: 'maintainer', namespace: 'fraud', through: 'binding', flags: [] }));
    expect(review.grants).toContainEqual(expect.objectContaining({ principal: 'user:bob', role: 'viewer', namespace: null, through: 'group:analysts' }));

    const table = await cli(['access', 'review']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/grants unused for 90 days are flagged/);
    expect(table.stdout).toMatch(/^PRINCIPAL +ROLE +NAMESPACE +THROUGH +LAST USED +EXPIRES +FLAGS$/m);
    expect(table.stdout).toMatch(/^user:alice +maintainer +fraud +binding +\S+.* +never +-$/m);
    expect(table.stdout).toMatch(/^user:bob +viewer +\(all\) +group:analysts /m);
    expect(table.stdout).toContain('Flagged tokens: none.');

    const removed = await json(['access', 'group', 'remove', 'group:analysts', 'user:bob']);
    expect(removed).toEqual({ group: 'group:analysts', member: 'user:bob', removed: true });
  });

  it('lists bindings and revokes one, after which the holder no longer has the role', async () => {
    const carol = await tokenFor('user:carol', 'approver', 'fraud');
    const { items } = await json<{ items: { id: string; role: string }[] }>(['access', 'bindings', '--principal', 'user:carol']);
    expect(items).toEqual([expect.objectContaining({ principal: 'user:carol', role: 'approver', namespace: 'fraud', reason: 'set up by the test' })]);
    const table = await cli(['access', 'bindings', '--namespace', 'fraud']);
    expect(table.stdout).toMatch(new RegExp(`^${items[0]!.id} +user:carol +approver +fraud +binding +never +user:admin +set up by the test$`, 'm'));

    expect(await json(['access', 'revoke', items[0]!.id, '--reason', 'moved teams'])).toEqual({ id: items[0]!.id, revoked: true });
    expect(await json(['whoami'], carol)).toMatchObject({ roles: [], grants: [] });
    const again = await cli(['access', 'revoke', items[0]!.id]);
    expect(again.code).toBe(3);
  });

  it('elevates one user on the approval of a security admin, and refuses self-approval with exit 5', async () => {
    const dana = await tokenFor('user:dana', 'contributor', 'fraud');
    const sec = await tokenFor('user:sec', 'security-admin');

    const asked = await cli(['access', 'elevate', 'maintainer', '--namespace', 'fraud', '--minutes', '90', '--justification', 'roll back INC-1234'], dana);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toMatch(/^Asked for maintainer in fraud for 1 hour 30 minutes \(request [0-9a-f-]{36}\)\.$/m);
    const id = /request ([0-9a-f-]{36})/.exec(asked.stdout)![1]!;

    const own = await cli(['--json', 'access', 'approve', id, '--reason', 'I need it'], dana);
    expect(own.code).toBe(5);
    expect(jsonOf(own)).toMatchObject({ code: 'forbidden', exit: 5 });

    // A security admin may approve elevations, but never their own.
    const selfRequest = await json<{ id: string }>(['access', 'elevate', 'admin', '--minutes', '10', '--justification', 'quick fix'], sec);
    const self = await cli(['access', 'approve', selfRequest.id, '--reason', 'trust me'], sec);
    expect(self.code).toBe(5);
    expect(self.stderr).toMatch(/^error: Separation of duties/m);
    expect(self.stderr).toMatch(/^hint: Another security admin must decide it/m);

    const pending = await json<{ items: { id: string }[] }>(['access', 'elevations', '--status', 'pending'], sec);
    expect(pending.items.map((e) => e.id)).toEqual(expect.arrayContaining([id, selfRequest.id]));
    const approved = await json(['access', 'approve', id, '--reason', 'on call, approved'], sec);
    expect(approved).toMatchObject({ id, status: 'approved', requester: 'user:dana', decidedBy: 'user:sec', expiresAt: expect.any(String) });
    expect(await json(['whoami'], dana)).toMatchObject({ roles: ['contributor', 'maintainer'], grants: expect.arrayContaining([{ role: 'maintainer', namespace: 'fraud', via: `elevation:${id}` }]) });

    const denied = await cli(['access', 'deny', selfRequest.id, '--reason', 'ask a colleague'], registry.adminToken);
    expect(denied.code, denied.stderr).toBe(0);
    expect(denied.stdout).toBe("Denied user:sec's request for admin globally.\n");
    const list = await cli(['access', 'elevations'], dana);
    expect(list.stdout).toMatch(new RegExp(`^${id} +user:dana +maintainer +fraud +1 hour 30 minutes +approved `, 'm'));
  });

  it('rotates a token: the new secret works and the old one stops', async () => {
    const first = await json<Issued>(['token', 'create', 'rotating']);
    expect((await cli(['whoami'], first.token)).code).toBe(0);
    const rotated = await cli(['token', 'rotate', first.id]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`Rotated token ${first.id}: new token `);
    expect(rotated.stdout).toContain('The old secret no longer works.');
    const secret = /^ {2}(mk_\S+)$/m.exec(rotated.stdout)![1]!;
    expect(await json(['whoami'], secret)).toMatchObject({ principal: 'user:admin' });
    const old = await cli(['whoami'], first.token);
    expect(old.code).toBe(5);

    const graceful = await json<Issued & { replaces: string; oldSecretStops: string }>(['token', 'rotate', (await json<Issued>(['token', 'create', 'graceful'])).id, '--grace-seconds', '300']);
    expect(graceful).toMatchObject({ principal: 'user:admin', oldSecretStops: 'in 300 seconds', token: expect.stringMatching(/^mk_/) });
  });

  it('adds, lists and removes a Cedar policy from a file, and explains a policy that does not parse', async () => {
    const file = join(scratch, 'freeze.cedar');
    await writeFile(file, 'forbid(principal, action == Action::"namespace.create", resource);\n');
    expect(await json(['access', 'policy', 'set', 'freeze-teams', '--file', file, '--description', 'No new teams this quarter', '--reason', 'reorganisation'])).toEqual({ id: 'freeze-teams', set: true });
    const listed = await cli(['access', 'policy', 'list']);
    expect(listed.stdout).toMatch(/^freeze-teams: No new teams this quarter \(set .* by user:admin\)$/m);
    expect(listed.stdout).toContain('  forbid(principal, action == Action::"namespace.create", resource);');
    expect((await cli(['namespace', 'create', 'frozen'])).code).toBe(5);
    expect(await json(['access', 'policy', 'remove', 'freeze-teams'])).toEqual({ id: 'freeze-teams', removed: true });
    expect((await cli(['namespace', 'create', 'thawed'])).code).toBe(0);

    const broken = join(scratch, 'broken.cedar');
    await writeFile(broken, 'forbid(principal, action ==, resource);');
    const refused = await cli(['access', 'policy', 'set', 'broken', '--file', broken, '--description', 'typo', '--reason', 'testing']);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(/^error: The policy does not parse/m);
    expect(refused.stderr).toContain(`hint: Fix ${broken}`);
    const missing = await cli(['access', 'policy', 'set', 'gone', '--file', join(scratch, 'nope.cedar'), '--description', 'x', '--reason', 'testing']);
    expect(missing.code).toBe(6);
    expect(missing.stderr).toMatch(/Cannot read the policy file/);
  });

  it('shows the roles matrix and security events', async () => {
    const roles = await cli(['access', 'roles']);
    expect(roles.stdout).toMatch(/^security-admin +grants and revokes access/m);
    expect(roles.stdout).toMatch(/^access\.review +review who holds what +auditor, security-admin, admin$/m);

    const leaked = await json<Issued>(['token', 'create', 'leaked']);
    await json(['token', 'revoke', leaked.id]);
    expect((await cli(['whoami'], leaked.token)).code).toBe(5);
    await expect.poll(async () => (await json<{ items: unknown[] }>(['access', 'events', '--kind', 'revoked_token_used'])).items.length, { timeout: 10_000 }).toBe(1);
    const table = await cli(['access', 'events', '--principal', 'user:admin']);
    expect(table.stdout).toMatch(/^SEQ +TIME +KIND +PRINCIPAL +SUMMARY$/m);
    expect(table.stdout).toMatch(/revoked_token_used +user:admin +user:admin presented a revoked token/);
  });

  it('refuses malformed arguments before calling the server, saying what to write', async () => {
    const cases: [string[], RegExp][] = [
      [['access', 'grant', 'alice', 'viewer', '--reason', 'new hire'], /"alice" is not a user or service or group id; write the kind first/],
      [['access', 'grant', 'user:alice', 'owner', '--reason', 'new hire'], /Allowed choices are viewer, contributor/],
      [['access', 'grant', 'user:alice', 'viewer'], /required option '--reason <text>' not specified/],
      [['access', 'grant', 'user:alice', 'viewer', '--reason', 'ok'], /at least 3 characters/],
      [['access', 'grant', 'user:alice', 'viewer', '--reason', 'new hire', '--expires-at', 'tomorrow'], /not an ISO 8601 time/],
      [['access', 'elevate', 'admin', '--minutes', '20000', '--justification', 'long one'], /longer than 7 days/],
      [['access', 'group', 'add', 'user:alice', 'user:bob'], /not a group id/],
      [['access', 'policy', 'set', 'Bad_Id', '--file', 'x', '--description', 'd', '--reason', 'because'], /not a policy id/],
      [['token', 'create', 'x', '--principal', 'group:ml'], /not a user or service id/],
      [['token', 'rotate', 'some-id', '--grace-seconds', '-1'], /error: /],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
  });

  it.each([
    'token create',
    'token list',
    'token rotate',
    'token revoke',
    'access',
    'access roles',
    'access grant',
    'access revoke',
    'access bindings',
    'access review',
    'access group',
    'access group add',
    'access group remove',
    'access policy',
    'access policy list',
    'access policy set',
    'access policy remove',
    'access elevate',
    'access elevations',
    'access approve',
    'access deny',
    'access events',
  ])('explains `modelkeep %s` with an example of itself', async (command) => {
    const run = await runCli([...command.split(' '), '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Usage: modelkeep ${command}`);
    expect(run.stdout).toMatch(new RegExp(`Examples?:\\n {2}\\$ modelkeep ${command}[ \\n]`));
  });
});
