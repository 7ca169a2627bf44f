import { asPayload } from '../catalog/entry-payloads.js';
import { notFound } from '../errors/registry-error.js';
import type { WriteSteps } from '../store/write-command.js';
import type { WebhookRegistered, WebhookRemoved } from './entry-payloads.js';

export const webhookCommands = {
  /** Registers a receiver; it gets every event of its types from now on (not earlier ones). */
  registerWebhook: (args: WebhookRegistered): WriteSteps<WebhookRegistered> => ({
    decide: async () => [{ action: 'webhook.registered', subject: `mk:webhook:${args.id}`, payload: asPayload(args) }],
    respond: async () => args,
  }),

  /** Stops deliveries to a receiver; pending ones are dropped with it, its record stays. */
  removeWebhook: (args: WebhookRemoved): WriteSteps<{ id: string; active: false }> => ({
    decide: async (tx) => {
      const hook = await tx.selectFrom('webhooks').select('active').where('id', '=', args.id).executeTakeFirst();
      if (hook === undefined || hook.active !== 1) throw notFound(`Webhook ${args.id}`);
      return [{ action: 'webhook.removed', subject: `mk:webhook:${args.id}`, payload: asPayload(args) }];
    },
    respond: async () => ({ id: args.id, active: false as const }),
  }),
};
