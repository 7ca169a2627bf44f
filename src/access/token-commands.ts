import { asPayload } from '../catalog/entry-payloads.js';
import { bindingUrn, tokenUrn } from '../catalog/urns.js';
import { RegistryError } from '../errors/registry-error.js';
import type { EntryDraft } from '../ledger/entry.js';
import { countTokens } from '../store/queries/find-token.js';
import type { Db } from '../store/database.js';
import type { WriteSteps } from '../store/write-command.js';
import type { BindingGranted, TokenCreated, TokenRevoked, TokenRotated } from './entry-payloads.js';

async function liveToken(tx: Db, id: string) {
  const row = await tx.selectFrom('api_tokens').select(['id', 'revoked_at', 'expires_at']).where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new RegistryError('not_found', `Token ${id} does not exist`);
  if (row.revoked_at !== null) throw new RegistryError('invalid_state', `Token ${id} was already revoked at ${row.revoked_at}`);
  return row;
}

/** Token writes as named commands; see catalog-commands.ts for why. */
export const tokenCommands = {
  /** `onlyIfFirst`: decided inside the write lock, so two servers starting together make one bootstrap token (and its admin binding). */
  createToken: (args: { token: TokenCreated; onlyIfFirst: boolean; binding?: BindingGranted }): WriteSteps<string> => ({
    decide: async (tx) => {
      if (args.onlyIfFirst && (await countTokens(tx)) > 0) return [];
      const drafts: EntryDraft[] = [];
      if (args.binding !== undefined) {
        drafts.push({ action: 'binding.granted', subject: bindingUrn(args.binding.id), reason: 'first start: the bootstrap administrator', payload: asPayload(args.binding) });
      }
      drafts.push({ action: 'token.created', subject: tokenUrn(args.token.id), payload: asPayload(args.token) });
      return drafts;
    },
    respond: async () => args.token.id,
  }),

  rotateToken: (args: TokenRotated): WriteSteps<string> => ({
    decide: async (tx) => {
      await liveToken(tx, args.oldId);
      return [{ action: 'token.rotated', subject: tokenUrn(args.oldId), payload: asPayload(args) }];
    },
    respond: async () => args.token.id,
  }),

  revokeToken: (args: { id: string }): WriteSteps<string> => ({
    decide: async (tx) => {
      await liveToken(tx, args.id);
      const payload: TokenRevoked = { id: args.id };
      return [{ action: 'token.revoked', subject: tokenUrn(args.id), payload: asPayload(payload) }];
    },
    respond: async () => args.id,
  }),

  /** Last use of tokens: operational, not evidence, so no ledger entry; batched by the token service. */
  recordTokenUse: (args: { uses: readonly { tokenId: string; at: string }[] }): WriteSteps<number> => ({
    decide: async () => [],
    respond: async (tx) => {
      for (const use of args.uses) {
        await tx
          .insertInto('token_usage')
          .values({ token_id: use.tokenId, last_used_at: use.at })
          .onConflict((oc) => oc.column('token_id').doUpdateSet({ last_used_at: use.at }))
          .execute();
      }
      return args.uses.length;
    },
  }),
};
