import type { Command } from 'commander';
import type { AccessReview, ReviewedGrant } from '../../../sdk/access-types.js';
import { contextOf } from '../../context.js';
import { formatTime, plural } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { PRINCIPAL_HELP, positiveInteger, principalArg } from '../../option-parsers.js';
import type { Output } from '../../output.js';
import { flagsCell, namespaceCell, timeCell } from './access-format.js';

/** What each review flag asks the reviewer to do, printed under the tables that use it. */
const flagMeanings: Readonly<Record<string, string>> = {
  unused: 'not used within the window: revoke it if it is no longer needed',
  never_used: 'granted before the window and never used',
  expired: 'lapsed but still listed; revoke it to tidy up',
  no_expiry: 'a token that never expires: rotate it to one that does',
  expired_not_revoked: 'a token past its expiry that was never revoked',
};

/** `access review` and `access events`: what an auditor or security admin reads. */
export function registerReviewCommands(access: Command): void {
  withExamples(
    access
      .command('review')
      .description('review who holds what (groups expanded to members), through what, last use, and what to look at')
      .option('--unused-days <n>', 'flag grants not used for this many days (default 90)', positiveInteger)
      .action(async (flags: { unusedDays?: number }, command: Command) => {
        const ctx = contextOf(command);
        const review = await (await ctx.client()).access.review(flags.unusedDays === undefined ? {} : { unusedDays: flags.unusedDays });
        ctx.out.result(review, (r) => printReview(ctx.out, r));
      }),
    'modelkeep access review',
    'modelkeep access review --unused-days 30 --json',
  );

  withExamples(
    access
      .command('events')
      .description('list security events, newest first: download spikes, repeated refusals, revoked tokens used')
      .option('--principal <principal>', `only events about ${PRINCIPAL_HELP}`, principalArg('user', 'service', 'group'))
      .option('--kind <kind>', 'only this kind: download_spike, repeated_refusals or revoked_token_used')
      .option('--limit <n>', 'at most this many (1-500, default 50)', positiveInteger)
      .action(async (flags: { principal?: string; kind?: string; limit?: number }, command: Command) => {
        const ctx = contextOf(command);
        const items = await (await ctx.client()).access.securityEvents(flags);
        ctx.out.result({ items }, (r) =>
          ctx.out.table(['SEQ', 'TIME', 'KIND', 'PRINCIPAL', 'SUMMARY'], r.items.map((e) => [String(e.seq), formatTime(e.at), e.kind, e.principal, e.summary]), 'No security events match.'),
        );
      }),
    'modelkeep access events',
    'modelkeep access events --principal service:ci --json',
  );
}

/** Human output reads per holder; the JSON keeps the server's order. */
const byHolder = (a: ReviewedGrant, b: ReviewedGrant): number =>
  a.principal.localeCompare(b.principal) || (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.role.localeCompare(b.role);

function printReview(out: Output, r: AccessReview): void {
  out.line(`Access review at ${formatTime(r.generatedAt)}; grants unused for ${plural(r.unusedDays, 'day')} are flagged.`);
  out.line(`${plural(r.summary.grants, 'grant')} (${r.summary.flaggedGrants} flagged); ${plural(r.summary.tokens, 'live token')} (${r.summary.flaggedTokens} flagged).`);
  out.line();
  out.table(
    ['PRINCIPAL', 'ROLE', 'NAMESPACE', 'THROUGH', 'LAST USED', 'EXPIRES', 'FLAGS'],
    [...r.grants].sort(byHolder).map((g) => [g.principal, g.role, namespaceCell(g.namespace), g.through, timeCell(g.lastUsedAt, 'never'), timeCell(g.expiresAt, 'never'), flagsCell(g.flags)]),
    'No grants.',
  );
  out.line();
  if (r.tokens.length === 0) out.line('Flagged tokens: none.');
  else {
    out.line('Flagged tokens:');
    out.table(['ID', 'NAME', 'PRINCIPAL', 'EXPIRES', 'FLAGS'], r.tokens.map((t) => [t.id, t.name, t.principal, timeCell(t.expiresAt, 'never'), flagsCell(t.flags)]));
  }
  const used = new Set([...r.grants, ...r.tokens].flatMap((x) => x.flags));
  if (used.size > 0) {
    out.line();
    for (const flag of used) out.line(`${flag}: ${flagMeanings[flag] ?? 'see the server documentation'}`);
  }
}
