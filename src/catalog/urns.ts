/** Stable resource names: `mk:<kind>:<path>`, as the design's URN scheme. */
export const namespaceUrn = (name: string): string => `mk:namespace:${name}`;
export const modelUrn = (namespace: string, name: string): string => `mk:model:${namespace}/${name}`;
export const versionUrn = (namespace: string, model: string, number: number): string =>
  `mk:version:${namespace}/${model}@${number}`;
export const tokenUrn = (id: string): string => `mk:token:${id}`;
