import { Type } from '@sinclair/typebox';
import { gatePolicyUrn } from '../../../catalog/urns.js';
import { NameSchema } from '../../../catalog/schemas.js';
import { RegistryError } from '../../../errors/registry-error.js';
import { defaultGatePolicy } from '../../../governance/default-gate-policy.js';
import { checkGatePolicy, parseGatePolicy, sniffPolicyFormat } from '../../../governance/parse-gate-policy.js';
import type { GatePolicy } from '../../../governance/gate-types.js';
import type { Db } from '../../../store/database.js';
import { effectiveGatePolicy, findGatePolicy } from '../../../store/queries/find-governance.js';
import { toLedgerEntry } from '../../../store/queries/row-mappers.js';
import type { App, RouteDeps } from '../../app-types.js';
import { gatePolicyResource } from '../../governance-resources.js';
import { Reason } from '../access-schemas.js';

const tags = ['governance'];

const SetPolicyBody = Type.Object(
  {
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 256 * 1024, description: 'The policy as YAML or JSON text' })),
    format: Type.Optional(Type.Union([Type.Literal('yaml'), Type.Literal('json')])),
    // Checked by checkGatePolicy rather than here, so a violation is answered as `invalid_policy` with every problem listed.
    policy: Type.Optional(Type.Unknown({ description: 'The policy as a JSON object (instead of `source`): `{description?, rules: [{to, tiers?, attestations?, conditions?, approvals?}]}`' })),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

function readPolicy(body: { source?: string; format?: 'yaml' | 'json'; policy?: unknown }): { policy: GatePolicy; source: string; format: 'yaml' | 'json' } {
  if ((body.source === undefined) === (body.policy === undefined)) throw new RegistryError('invalid_request', 'Send the policy either as `source` (YAML or JSON text) or as `policy` (an object), not both');
  if (body.policy !== undefined) return { policy: checkGatePolicy(body.policy), source: JSON.stringify(body.policy, null, 2), format: 'json' };
  const source = body.source!;
  const format = body.format ?? sniffPolicyFormat(source);
  return { policy: parseGatePolicy(source, format), source, format };
}

async function policyAnswer(db: Db, namespace: string | null) {
  const own = await findGatePolicy(db, namespace);
  const effective = namespace === null ? own : await effectiveGatePolicy(db, namespace);
  const scopeOf = (scope: string) => (scope === '*' ? 'global' : 'namespace');
  return {
    scope: namespace ?? 'global',
    own: own === undefined ? null : { policy: JSON.parse(own.policy) as GatePolicy, source: own.source, format: own.format, revision: own.revision, updatedAt: own.updated_at, updatedBy: own.updated_by, seq: Number(own.updated_seq) },
    effective: effective === undefined ? { from: 'builtin', policy: defaultGatePolicy, seq: null } : { from: scopeOf(effective.scope), policy: JSON.parse(effective.policy) as GatePolicy, seq: Number(effective.updated_seq) },
  };
}

export function gatePolicyRoutes(app: App, deps: RouteDeps): void {
  const { store, writer } = deps;

  for (const [path, nsOf] of [
    ['/api/v1/gate-policy', () => null],
    ['/api/v1/namespaces/:ns/gate-policy', (params: unknown) => (params as { ns: string }).ns],
  ] as const) {
    const params = path.includes(':ns') ? Type.Object({ ns: NameSchema }) : undefined;
    const where = path.includes(':ns') ? "a namespace's" : 'the global default';
    app.get(
      path,
      // Anyone who reads a catalog may read the rules it is gated by; the global one is the default for every namespace.
      { config: { guard: { action: 'catalog.read', ...(params ? { resource: gatePolicyResource } : {}) } }, schema: { tags, summary: `The promotion gate policy: ${where} own, and the one in force`, ...(params ? { params } : {}) } },
      async (request) => policyAnswer(store.db, nsOf(request.params)),
    );
    app.put(
      path,
      {
        config: { guard: { action: 'gate.manage', resource: gatePolicyResource } },
        schema: {
          tags,
          summary: `Set ${where} promotion gate policy (YAML or JSON); a malformed one, or one whose CEL does not compile, is refused`,
          description: 'A namespace policy replaces the global default for that namespace. Every version of a policy stays in the ledger (see `…/gate-policy/history`).',
          ...(params ? { params } : {}),
          body: SetPolicyBody,
        },
      },
      async (request) => {
        const body = request.body as { source?: string; format?: 'yaml' | 'json'; policy?: unknown; reason?: string };
        const { policy, source, format } = readPolicy(body);
        const outcome = await writer.write({ actor: request.principal.id, reason: body.reason }, 'setGatePolicy', { namespace: nsOf(request.params), policy, source, format });
        return outcome.result;
      },
    );
    app.delete(
      path,
      {
        config: { guard: { action: 'gate.manage', resource: gatePolicyResource } },
        schema: { tags, summary: `Remove ${where} policy (the next one up applies again)`, ...(params ? { params } : {}), querystring: Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }) },
      },
      async (request, reply) => {
        await writer.write({ actor: request.principal.id, reason: (request.query as { reason?: string }).reason }, 'removeGatePolicy', { namespace: nsOf(request.params) });
        return reply.code(204).send();
      },
    );
    app.get(
      `${path}/history`,
      { config: { guard: { action: 'catalog.read', ...(params ? { resource: gatePolicyResource } : {}) } }, schema: { tags, summary: `Every version of ${where} policy, newest first, from the ledger`, ...(params ? { params } : {}) } },
      async (request) => {
        const rows = await store.db.selectFrom('ledger_entries').selectAll().where('subject', '=', gatePolicyUrn(nsOf(request.params))).orderBy('seq', 'desc').limit(500).execute();
        return {
          items: rows.map(toLedgerEntry).map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, reason: e.reason ?? null, policy: (e.payload as { policy?: unknown }).policy ?? null, source: (e.payload as { source?: string }).source ?? null })),
        };
      },
    );
  }
}
