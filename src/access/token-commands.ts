import { asPayload } from '../catalog/entry-payloads.js';
import { tokenUrn } from '../catalog/urns.js';
import { RegistryError } from '../errors/registry-error.js';
import { countTokens } from '../store/queries/find-token.js';
import type { WriteSteps } from '../store/write-command.js';
import type { TokenCreated, TokenRevoked } from './entry-payloads.js';

/** Token writes as named commands; see catalog-commands.ts for why. */
export const tokenCommands = {
  /** `onlyIfFirst`: decided inside the write lock, so two servers starting together make one bootstrap token. */
  createToken: (args: { token: TokenCreated; onlyIfFirst: boolean }): WriteSteps<string> => ({
    decide: async (tx) =>
      args.onlyIfFirst && (await countTokens(tx)) > 0
        ? []
        : [{ action: 'token.created', subject: tokenUrn(args.token.id), payload: asPayload(args.token) }],
    respond: async () => args.token.id,
  }),

  revokeToken: (args: { id: string }): WriteSteps<string> => ({
    decide: async (tx) => {
      const row = await tx.selectFrom('api_tokens').select(['id', 'revoked_at']).where('id', '=', args.id).executeTakeFirst();
      if (row === undefined) throw new RegistryError('not_found', `Token ${args.id} does not exist`);
      if (row.revoked_at !== null) throw new RegistryError('invalid_state', `Token ${args.id} was already revoked at ${row.revoked_at}`);
      const payload: TokenRevoked = { id: args.id };
      return [{ action: 'token.revoked', subject: tokenUrn(args.id), payload: asPayload(payload) }];
    },
    respond: async () => args.id,
  }),
};
