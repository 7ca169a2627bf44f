/** What an action is done to. Cedar sees it as an entity of type `kind` with these attributes. */
export const resourceKinds = ['Registry', 'Namespace', 'Model', 'Version', 'Blob', 'Token', 'Binding', 'Group', 'Policy', 'Elevation', 'AuditLog', 'Ledger', 'Environment', 'GatePolicy', 'PromotionRequest', 'ChangeRequest'] as const;
export type ResourceKind = (typeof resourceKinds)[number];

/** A principal named in an attribute (an author, the holder of a token): Cedar compares it with `principal`. */
export interface PrincipalRef {
  readonly principal: string;
}
export type AttributeValue = string | number | boolean | PrincipalRef | readonly (string | PrincipalRef)[];

export interface Resource {
  readonly kind: ResourceKind;
  readonly id: string;
  /** Whose grants apply: one namespace, or null for the registry as a whole (global grants only). */
  readonly namespace: string | null;
  /** A resource several namespaces share (a blob): the grants of any of them apply. */
  readonly sharedBy?: readonly string[] | undefined;
  readonly attributes?: Readonly<Record<string, AttributeValue>> | undefined;
  /**
   * How a missing one is described (`Model risk/scorer does not exist`). Set
   * for catalog resources: a caller who may not read them gets exactly that
   * answer, so their existence does not leak.
   */
  readonly hiddenAs?: string | undefined;
}

export const registryResource: Resource = { kind: 'Registry', id: 'modelkeep', namespace: null };
export const principalRef = (principal: string): PrincipalRef => ({ principal });
