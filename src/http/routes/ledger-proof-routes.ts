import { Type } from '@sinclair/typebox';
import { RegistryError } from '../../errors/registry-error.js';
import { frontierOf } from '../../store/merkle/head-frontier.js';
import { storedConsistencyProof, storedInclusionProof } from '../../store/merkle/prove-from-store.js';
import type { Db } from '../../store/database.js';
import { ledgerSize } from '../../store/queries/read-ledger.js';
import type { App, RouteDeps } from '../app-types.js';
import { ledgerResource } from '../resources.js';

const tags = ['ledger'];
const b64 = (hash: Buffer): string => hash.toString('base64');
const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

async function currentHead(db: Db): Promise<{ size: number; root: Buffer }> {
  const head = await db.selectFrom('ledger_head').select(['size', 'frontier']).where('id', '=', 1).executeTakeFirstOrThrow();
  const frontier = frontierOf(head);
  return { size: frontier.treeSize, root: frontier.root() };
}

function requireWithin(size: number, current: number, what: string): void {
  if (size > current) throw new RegistryError('not_found', `${what} ${size} is beyond the ledger's ${current} entries`);
}

export function ledgerProofRoutes(app: App, { store, signer, writer }: RouteDeps): void {
  app.get(
    '/api/v1/ledger/checkpoint',
    {
      config: { guard: { action: 'ledger.verify', resource: ledgerResource } },
      schema: {
        tags,
        summary: 'The latest signed checkpoint, or the one kept for ?size=N (C2SP tlog-checkpoint signed note, text/plain)',
        querystring: Type.Object({ size: Type.Optional(Size) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      reply.type('text/plain; charset=utf-8');
      if (request.query.size !== undefined) {
        const kept = await store.db.selectFrom('ledger_checkpoints').select('note').where('size', '=', request.query.size).executeTakeFirst();
        if (kept === undefined) throw new RegistryError('not_found', `No checkpoint was signed at size ${request.query.size}`);
        return kept.note;
      }
      const head = await currentHead(store.db);
      // The checkpointer has usually signed this size already; only a head it has not reached yet costs a write.
      const kept = await store.db.selectFrom('ledger_checkpoints').select('note').where('size', '=', head.size).executeTakeFirst();
      if (kept !== undefined) return kept.note;
      const note = signer.signCheckpoint(head.size, head.root);
      const outcome = await writer.write({ actor: request.principal.id }, 'recordCheckpoint', { size: head.size, root: head.root.toString('hex'), note, at: new Date().toISOString() });
      return outcome.result;
    },
  );

  app.get(
    '/api/v1/ledger/key',
    { config: { guard: { public: true } }, schema: { tags, summary: "The checkpoints' verifier key (signed-note verifier key format, text/plain)" } },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').send(`${signer.verifierKey}\n`),
  );

  app.get(
    '/api/v1/ledger/proofs/inclusion',
    {
      config: { guard: { action: 'ledger.verify', resource: ledgerResource } },
      schema: {
        tags,
        summary: 'RFC 9162 inclusion proof of entry `seq` in the tree of `treeSize` entries (default: the current size)',
        querystring: Type.Object({ seq: Size, treeSize: Type.Optional(Size) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ seq: Type.Integer(), treeSize: Type.Integer(), leafHash: Type.String(), rootHash: Type.String(), proof: Type.Array(Type.String()) }),
        },
      },
    },
    async (request) => {
      const current = await ledgerSize(store.db);
      const treeSize = request.query.treeSize ?? current;
      const { seq } = request.query;
      requireWithin(treeSize, current, 'treeSize');
      if (seq >= treeSize) throw new RegistryError('invalid_request', `seq ${seq} is not in a tree of ${treeSize} entries`);
      const leaf = await store.db.selectFrom('ledger_entries').select('leaf_hash').where('seq', '=', seq).executeTakeFirstOrThrow();
      const { proof, root } = await storedInclusionProof(store.db, seq, treeSize);
      return { seq, treeSize, leafHash: b64(Buffer.from(leaf.leaf_hash, 'hex')), rootHash: b64(root), proof: proof.map(b64) };
    },
  );

  app.get(
    '/api/v1/ledger/proofs/consistency',
    {
      config: { guard: { action: 'ledger.verify', resource: ledgerResource } },
      schema: {
        tags,
        summary: 'RFC 9162 consistency proof that the tree of `from` entries is a prefix of the tree of `to`',
        querystring: Type.Object({ from: Type.Integer({ minimum: 1 }), to: Size }, { additionalProperties: false }),
        response: {
          200: Type.Object({ from: Type.Integer(), to: Type.Integer(), fromRoot: Type.String(), toRoot: Type.String(), proof: Type.Array(Type.String()) }),
        },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      requireWithin(to, await ledgerSize(store.db), 'to');
      if (from > to) throw new RegistryError('invalid_request', `from ${from} is larger than to ${to}`);
      const { proof, fromRoot, toRoot } = await storedConsistencyProof(store.db, from, to);
      return { from, to, fromRoot: b64(fromRoot), toRoot: b64(toRoot), proof: proof.map(b64) };
    },
  );
}
