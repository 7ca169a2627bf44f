/*
 * Usage terms are free labels copied from a data-usage agreement
 * ("Research_Only", "non commercial"). They are compared after folding case
 * and turning runs of spaces and underscores into hyphens; a few common
 * spellings of the same restriction are read as one.
 */

export const usageTerms = ['non-commercial', 'research-only', 'no-derivatives', 'share-alike', 'internal-only', 'no-redistribution'] as const;
export type UsageTerm = (typeof usageTerms)[number];

const spellings: ReadonlyMap<string, UsageTerm> = new Map([
  ...usageTerms.map((term) => [term, term] as const),
  ['noncommercial', 'non-commercial'],
  ['nc', 'non-commercial'],
  ['research-use-only', 'research-only'],
  ['academic-research-only', 'research-only'],
  ['no-derivative', 'no-derivatives'],
  ['no-derivative-works', 'no-derivatives'],
  ['noderivatives', 'no-derivatives'],
  ['nd', 'no-derivatives'],
  ['sharealike', 'share-alike'],
  ['sa', 'share-alike'],
  ['internal-use-only', 'internal-only'],
  ['no-redistribute', 'no-redistribution'],
  ['no-distribution', 'no-redistribution'],
]);

export const foldUsageTerm = (label: string): string => label.trim().toLowerCase().replace(/[\s_]+/g, '-');

/** The restriction a label names, or undefined when ModelKeep does not recognise it. */
export const readUsageTerm = (label: string): UsageTerm | undefined => spellings.get(foldUsageTerm(label));
