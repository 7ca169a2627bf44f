import { type Command, Option } from 'commander';
import { attestationTypes, verdicts } from '../../../governance/gate-types.js';
import type { AttestationType, Verdict } from '../../../sdk/governance-types.js';
import { formatVersionRef } from '../../../sdk/refs.js';
import type { VersionRef } from '../../../sdk/types.js';
import { contextOf } from '../../context.js';
import { formatTime } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { versionRefArg } from '../../option-parsers.js';
import { collectDigest, collectLink, readJsonObjectArg } from './governance-args.js';

interface AttestFlags {
  readonly type: AttestationType;
  readonly verdict: Verdict;
  readonly summary: string;
  readonly details: string;
  readonly evidenceBlob?: string[];
  readonly link?: string[];
}

const DETAILS_EXAMPLE = `'{"slices":[{"name":"all","metrics":{"auc":0.91}}]}'`;

const DETAILS_HELP = `
What --details holds, by type:
  evaluation        {"slices": [{"name": "all", "metrics": {"auc": 0.91}, "edgeCase"?: bool, "size"?: n}], "dataset"?: "mk:dataset:ns/name"}
  license_review    {"licenses": ["Apache-2.0"], "obligations"?: [...], "conclusion"?: "..."}
  bias_assessment   {"protectedAttributes": ["age"], "method"?: "...", "metrics"?: {...}, "findings"?: [...]}
  safety_review     {"scope": "...", "findings"?: [{"severity": "low|medium|high|critical", "description": "..."}]}
  red_team          {"scope": "...", "method"?: "...", "findings": [...]}

Reviews (every type but evaluation) are signed by an approver who is not an
author of the version; evaluations are recorded by whoever runs them.
`;

/** `attest` and `attestations`: typed statements about a published version, which gates read. */
export function registerAttestationCommands(program: Command): void {
  withExamples(
    program
      .command('attest')
      .description('attach a typed statement (an evaluation, a review) with its verdict and evidence to a published version')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .addOption(new Option('--type <type>', 'what kind of statement (required)').choices(attestationTypes).makeOptionMandatory())
      .addOption(new Option('--verdict <verdict>', 'the outcome (required)').choices(verdicts).makeOptionMandatory())
      .requiredOption('--summary <text>', 'the finding in a sentence (required)')
      .requiredOption('--details <file|json>', 'the details as a JSON object, inline or in a file (- for stdin); shaped by --type (required)')
      .option('--evidence-blob <digest>', 'an uploaded file backing it, as sha256:… (repeatable)', collectDigest)
      .option('--link <url>', 'a link to more (a report, a ticket); kept as a label, never fetched (repeatable)', collectLink)
      .addHelpText('after', DETAILS_HELP)
      .action(async (ref: VersionRef, flags: AttestFlags, command: Command) => {
        const ctx = contextOf(command);
        const details = await readJsonObjectArg(flags.details, 'the details', DETAILS_EXAMPLE);
        const evidence = { ...(flags.evidenceBlob === undefined ? {} : { blobs: flags.evidenceBlob }), ...(flags.link === undefined ? {} : { links: flags.link }) };
        const client = await ctx.client();
        const label = formatVersionRef(ref);
        const steps = {
          invalid_request: `Give --details the shape --type ${flags.type} expects (\`modelkeep attest --help\` lists each type's), then run this again.`,
          invalid_state: `Only published versions take attestations: \`modelkeep version publish ${label}\` first (a retired one's record is closed).`,
          blobs_missing: 'Upload the evidence first (`modelkeep version push` uploads files), then give their digests.',
          not_found: `\`modelkeep version list ${ref.namespace}/${ref.model}\` shows its versions.`,
        };
        const recorded = await withNextSteps(steps, () =>
          client.governance.attest(ref, { type: flags.type, verdict: flags.verdict, summary: flags.summary, details, ...(Object.keys(evidence).length === 0 ? {} : { evidence }) }),
        );
        ctx.out.result(recorded, (a) => ctx.out.line(`Recorded ${a.type} (${a.verdict}) for ${a.version}: attestation ${a.id}, by ${a.createdBy}.`));
      }),
    `modelkeep attest fraud/scorer@3 --type evaluation --verdict pass --summary "holdout AUC 0.91" --details ${DETAILS_EXAMPLE}`,
    'modelkeep attest fraud/scorer@3 --type license_review --verdict pass --summary "Apache-2.0, no copyleft" --details license.json --link https://wiki.example.com/legal/123',
  );

  withExamples(
    program
      .command('attestations')
      .description("list a version's attestations: the current one of each type, or every one ever recorded")
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .option('--all', 'include superseded attestations')
      .action(async (ref: VersionRef, flags: { all?: boolean }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const items = await withNextSteps({ not_found: `\`modelkeep version list ${ref.namespace}/${ref.model}\` shows its versions.` }, () =>
          client.governance.attestations(ref, { all: flags.all === true }),
        );
        ctx.out.result({ items }, (r) =>
          ctx.out.table(
            ['TYPE', 'VERDICT', 'BY', 'RECORDED', 'SUPERSEDED BY', 'SUMMARY'],
            r.items.map((a) => [a.type, a.verdict, a.createdBy, formatTime(a.createdAt), a.supersededBy ?? '-', a.summary]),
            `No attestations of ${formatVersionRef(ref)} yet; \`modelkeep attest\` records one.`,
          ),
        );
      }),
    'modelkeep attestations fraud/scorer@3',
    'modelkeep attestations fraud/scorer@3 --all --json',
  );
}
