import type { VersionMetadata } from '../catalog/schemas.js';
import type { EdgeType } from './graph-types.js';
import { canonicalPurl } from './canonical-purl.js';
import { libraryUrn } from './lineage-urns.js';

export interface EdgeSentence {
  readonly from: string;
  readonly type: EdgeType;
  readonly to: string;
}

/*
 * Run ids and pipeline names are free text in a version's record; as URN
 * segments they keep to the lineage URN alphabet (lineage-urns.ts), other
 * characters becoming '-', so `train job #4` and `train-job--4` are one run.
 */
const runSegment = (id: string): string => `x${id}`.replace(/[^A-Za-z0-9._:-]/g, '-').slice(1, 129).replace(/^[^A-Za-z0-9]/, '0');
const pipelineSegment = (name: string): string => `x${name.toLowerCase()}`.replace(/[^a-z0-9._-]/g, '-').slice(1, 64).replace(/^[^a-z0-9]/, '0');

export const runUrn = (namespace: string, id: string): string => `mk:run:${namespace}/${runSegment(id)}`;
export const pipelineUrn = (namespace: string, name: string): string => `mk:pipeline:${namespace}/${pipelineSegment(name)}`;
export const imageUrn = (image: string): string => `mk:image:${image}`;

/**
 * The edges a version's own record implies: what it was trained on, what it
 * runs with, what it was derived from and what produced it. They are
 * replaced whenever the record changes, so they always say what it says.
 */
export function derivedEdges(version: string, namespace: string, metadata: VersionMetadata): EdgeSentence[] {
  const edges: EdgeSentence[] = [];
  const add = (from: string, type: EdgeType, to: string): void => {
    if (!edges.some((e) => e.from === from && e.type === type && e.to === to)) edges.push({ from, type, to });
  };
  for (const dataset of metadata.datasets ?? []) add(version, 'trainedOn', dataset.urn);
  for (const purl of metadata.environment?.libraries ?? []) add(version, 'dependsOn', libraryUrn(canonicalPurl(purl)));
  if (metadata.environment?.image !== undefined) add(version, 'uses', imageUrn(metadata.environment.image));
  for (const featureSet of metadata.featureSets ?? []) add(version, 'uses', featureSet);
  for (const service of metadata.services ?? []) add(version, 'uses', service);
  if (metadata.baseModel !== undefined && metadata.baseModel !== version) add(version, 'derivedFrom', metadata.baseModel);
  const run = metadata.trainingRun;
  if (run?.id !== undefined) {
    const runNode = runUrn(namespace, run.id);
    add(version, 'producedBy', runNode);
    if (run.pipeline !== undefined) add(runNode, 'producedBy', pipelineUrn(namespace, run.pipeline));
  } else if (run?.pipeline !== undefined) {
    add(version, 'producedBy', pipelineUrn(namespace, run.pipeline));
  }
  return edges;
}
