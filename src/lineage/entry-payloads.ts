import type { EdgeType, NodeKind } from './graph-types.js';

/* Payloads of the lineage ledger actions. */

/** What a node declared through the API says about itself; datasets carry what licensing and risk read. */
export interface DescribedAttributes {
  readonly name?: string;
  readonly description?: string;
  readonly owner?: string;
  readonly sensitivity?: 'low' | 'medium' | 'high';
  readonly pii?: boolean;
  readonly license?: string;
  readonly usageTerms?: readonly string[];
  readonly agreement?: string;
  readonly digest?: string;
  readonly endpoint?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface LineageNodeRecorded {
  readonly urn: string;
  readonly kind: NodeKind;
  readonly namespace: string | null;
  readonly attributes: DescribedAttributes;
}

export interface LineageEdgeChanged {
  readonly from: string;
  readonly type: EdgeType;
  readonly to: string;
}
