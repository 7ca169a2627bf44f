import { Option, type Command } from 'commander';
import { alertEventTypes } from '../../../alerts/alert-event.js';
import type { AlertEvent, DeliveryStatus, KnownAlertEventType } from '../../../sdk/dependency-types.js';
import { contextOf } from '../../context.js';
import { formatTime } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { collectChoice, nonNegativeInteger, positiveInteger } from '../../option-parsers.js';
import type { Output } from '../../output.js';

const webhookNotFound = { not_found: '`modelkeep webhook list` shows the webhooks and their ids.' };

/** `--after N`: an event position, or -1 for the beginning. */
function positionArg(text: string): number {
  return text === '-1' ? -1 : nonNegativeInteger(text);
}

/** `webhook add|list|remove|deliveries` and `events`: where alerts go, and the alerts themselves. */
export function registerAlertCommands(program: Command): void {
  const webhook = withExamples(
    program.command('webhook').description('send alert events to an HTTP endpoint: register, list and remove webhooks, and see their deliveries'),
    'modelkeep webhook add https://hooks.example.com/modelkeep --event risk.tier_raised',
  );

  withExamples(
    webhook
      .command('add')
      .description('register a webhook; it receives every later event of its types, signed (Standard Webhooks), and prints the signing secret once')
      .argument('<url>', 'an http(s) URL without credentials')
      .option('--event <type>', `an event type to send, repeatable; default every type (${alertEventTypes.join(', ')})`, collectChoice<KnownAlertEventType>(alertEventTypes))
      .option('--description <text>', 'what the receiver is, for the list')
      .action(async (url: string, flags: { event?: KnownAlertEventType[]; description?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const hook = await client.alerts.addWebhook({ url, ...(flags.event === undefined ? {} : { events: flags.event }), ...(flags.description === undefined ? {} : { description: flags.description }) });
        ctx.out.warn('the secret below is shown this once: store it where the receiver can read it now; it verifies the webhook-signature header of each delivery.');
        ctx.out.result(hook, (h) => {
          ctx.out.line(`Registered webhook ${h.id} for ${h.events.length === 0 ? 'every event type' : h.events.join(', ')} at ${h.url}.`);
          ctx.out.line(`Secret: ${h.secret}`);
        });
      }),
    'modelkeep webhook add https://hooks.example.com/modelkeep',
    'modelkeep webhook add https://chat.example.com/hooks/risk --event risk.tier_raised --event dependency.vulnerable --description "risk channel"',
  );

  withExamples(
    webhook
      .command('list')
      .description('list the webhooks, removed ones too, with their delivery counts')
      .action(async (_flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const items = await client.alerts.webhooks();
        ctx.out.result({ items }, (r) =>
          ctx.out.table(
            ['ID', 'URL', 'EVENTS', 'ACTIVE', 'PENDING', 'DELIVERED', 'DEAD', 'DESCRIPTION'],
            r.items.map((h) => [h.id, h.url, h.events.length === 0 ? 'all' : h.events.join(','), h.active ? 'yes' : 'no', String(h.deliveries.pending), String(h.deliveries.delivered), String(h.deliveries.dead), h.description ?? '-']),
            'No webhook is registered.',
          ),
        );
      }),
    'modelkeep webhook list',
  );

  withExamples(
    webhook
      .command('remove')
      .description('remove a webhook: nothing more is sent to it, pending deliveries are dropped; its record stays')
      .argument('<id>', 'the webhook id, as `modelkeep webhook list` shows it')
      .action(async (id: string, _flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const removed = await withNextSteps(webhookNotFound, () => client.alerts.removeWebhook(id));
        ctx.out.result(removed, (r) => ctx.out.line(`Removed webhook ${r.id}; nothing more is sent to it.`));
      }),
    'modelkeep webhook remove wh_5d0c…',
  );

  withExamples(
    webhook
      .command('deliveries')
      .description("show a webhook's deliveries, newest first: attempts, the receiver's last answer and error")
      .argument('<id>', 'the webhook id')
      .addOption(new Option('--status <status>', 'only these').choices(['pending', 'delivered', 'dead']))
      .option('--limit <n>', 'at most this many (default 100)', positiveInteger)
      .action(async (id: string, flags: { status?: DeliveryStatus; limit?: number }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const items = await client.alerts.deliveries(id, { ...(flags.status === undefined ? {} : { status: flags.status }), ...(flags.limit === undefined ? {} : { limit: flags.limit }) });
        ctx.out.result({ items }, (r) =>
          ctx.out.table(
            ['EVENT', 'TYPE', 'SUBJECT', 'STATUS', 'ATTEMPTS', 'LAST ANSWER'],
            r.items.map((d) => [d.event, d.type, d.subject, d.status, String(d.attempts), d.lastError ?? (d.lastStatus === null ? '-' : String(d.lastStatus))]),
            'No delivery yet.',
          ),
        );
      }),
    'modelkeep webhook deliveries wh_5d0c… --status dead',
  );

  withExamples(
    program
      .command('events')
      .description('show alert events (tiers raised, dependencies found vulnerable or deprecated), oldest first; with --follow, keep printing them as they happen until Ctrl-C')
      .option('--after <n>', 'only events after this position (the SEQ column); default: from the first', positionArg)
      .addOption(new Option('--type <type>', 'only events of this type').choices(alertEventTypes))
      .option('--limit <n>', 'at most this many (default 100; not with --follow)', positiveInteger)
      .option('--follow', 'after the events so far, wait for new ones and print each as it happens, until Ctrl-C')
      .action(async (flags: { after?: number; type?: KnownAlertEventType; limit?: number; follow?: boolean }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const type = flags.type === undefined ? {} : { type: flags.type };
        if (flags.follow !== true) {
          const page = await client.alerts.events({ ...type, ...(flags.after === undefined ? {} : { after: flags.after }), ...(flags.limit === undefined ? {} : { limit: flags.limit }) });
          ctx.out.result(page, (p) => {
            printEvents(ctx.out, p.items);
            ctx.out.note(`Next: modelkeep events --after ${p.next}`);
          });
          return;
        }
        await follow(ctx.out, ctx.json, (signal) => client.alerts.stream({ ...type, after: flags.after ?? -1, signal }));
      }),
    'modelkeep events',
    'modelkeep events --after 120 --type risk.tier_raised',
    'modelkeep events --follow --json',
  );
}

function eventRow(e: AlertEvent): string[] {
  return [String(e.seq), formatTime(e.occurredAt), e.type, e.subject, summaryOf(e)];
}

/** What a person reads first about an event; kinds this CLI does not know yet show nothing more. */
function summaryOf(e: AlertEvent): string {
  const data = e.data as { previousTier?: string | null; tier?: string; severity?: string; summary?: string | null; reason?: string; versionCount?: number };
  const reach = data.versionCount === undefined ? '' : ` (${data.versionCount === 1 ? '1 version' : `${data.versionCount} versions`})`;
  if (e.type === 'risk.tier_raised') return `${data.previousTier ?? 'unassessed'} → ${data.tier ?? '?'}`;
  if (e.type === 'dependency.vulnerable') return `${data.severity ?? 'unknown'}${data.summary ? `: ${data.summary}` : ''}${reach}`;
  if (e.type === 'dependency.deprecated') return `${data.reason ?? 'deprecated'}${reach}`;
  return '';
}

function printEvents(out: Output, events: readonly AlertEvent[]): void {
  out.table(['SEQ', 'TIME', 'TYPE', 'SUBJECT', 'WHAT'], events.map(eventRow), 'No event.');
}

/**
 * Prints events from the stream as they come (one JSON object per line with
 * --json) until Ctrl-C, which ends the command normally.
 */
async function follow(out: Output, json: boolean, open: (signal: AbortSignal) => AsyncIterable<AlertEvent>): Promise<void> {
  const stop = new AbortController();
  const interrupt = (): void => stop.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  out.note('Waiting for events; Ctrl-C stops.');
  try {
    for await (const event of open(stop.signal)) {
      if (json) out.jsonLine(event);
      else out.line(eventRow(event).join('  '));
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
