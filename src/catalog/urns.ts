/** Stable resource names: `mk:<kind>:<path>`, as the design's URN scheme. */
export const namespaceUrn = (name: string): string => `mk:namespace:${name}`;
export const modelUrn = (namespace: string, name: string): string => `mk:model:${namespace}/${name}`;
export const versionUrn = (namespace: string, model: string, number: number): string =>
  `mk:version:${namespace}/${model}@${number}`;
export const tokenUrn = (id: string): string => `mk:token:${id}`;
export const principalUrn = (id: string): string => `mk:principal:${id}`;
export const bindingUrn = (id: string): string => `mk:binding:${id}`;
export const policyUrn = (id: string): string => `mk:policy:${id}`;
export const elevationUrn = (id: string): string => `mk:elevation:${id}`;
export const attestationUrn = (id: string): string => `mk:attestation:${id}`;
export const gatePolicyUrn = (namespace: string | null): string => `mk:gate-policy:${namespace ?? 'global'}`;
export const promotionUrn = (id: string): string => `mk:promotion:${id}`;
export const environmentUrn = (name: string): string => `mk:environment:${name}`;
export const deploymentUrn = (id: string): string => `mk:deployment:${id}`;
export const changeUrn = (id: string): string => `mk:change:${id}`;
