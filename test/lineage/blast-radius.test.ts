import { describe, expect, it } from 'vitest';
import { LineageGraph } from '../../src/lineage/graph-index.js';
import { fixtureGraph, u } from './lineage-fixture.js';

describe('blast radius', () => {
  const graph = fixtureGraph();

  it('lists the production versions downstream of a dataset at any depth, each with the path through which it is reached', () => {
    const result = graph.blastRadius(u.raw, { stage: 'production', limit: 100 })!;
    expect(result).toMatchObject({ root: u.raw, total: 2, truncated: false });
    expect(result.affected).toEqual([
      {
        urn: u.scorer1,
        model: 'mk:model:fraud/scorer',
        stage: 'production',
        environments: ['production'],
        path: { nodes: [u.raw, u.tx1, u.scorer1], edges: ['derivedFrom', 'trainedOn'] },
      },
      {
        urn: u.ranker1,
        model: u.ranker,
        stage: 'production',
        environments: ['production'],
        path: { nodes: [u.raw, u.tx1, u.scorer1, u.ranker1], edges: ['derivedFrom', 'trainedOn', 'derivedFrom'] },
      },
    ]);
  });

  it('lists every downstream version, whatever its stage, when no filter is given', () => {
    const result = graph.blastRadius(u.raw, { limit: 100 })!;
    expect(new Set(result.affected.map((a) => a.urn))).toEqual(new Set([u.scorer1, u.scorer2, u.scorer3, u.ranker1, u.distilled1]));
    // Deployments are downstream too, but the answer is about model versions.
    expect(result.affected.map((a) => a.urn)).not.toContain(u.dep1);
  });

  it('filters by the environments a version is live in', () => {
    expect(graph.blastRadius(u.numpy, { environment: 'staging', limit: 100 })!.affected.map((a) => a.urn)).toEqual([u.scorer2]);
  });

  it('starts from every version of a package and reports through which one', () => {
    const result = graph.blastRadius(u.pandas, { stage: 'production', limit: 100 })!;
    expect(result.affected.map((a) => a.path)).toEqual([{ nodes: [u.pandas, u.ranker1], edges: ['dependsOn'] }]);
    const all = graph.blastRadius('mk:library:pkg:pypi/pandas', { limit: 100 })!;
    expect(all.total).toBe(4);
  });

  it('counts past the limit', () => {
    expect(graph.blastRadius(u.raw, { limit: 1 })).toMatchObject({ total: 5, truncated: true });
  });

  it('leaves out versions the caller may not see, and those only reached through them', () => {
    const result = graph.blastRadius(u.numpy1, { limit: 100, visible: (urn) => urn !== u.ranker1 })!;
    expect(result.affected.map((a) => a.urn)).toEqual([u.scorer1]);
  });

  it('leaves out namespaces the reader may not read', () => {
    const result = graph.blastRadius(u.raw, { limit: 100, readableNamespace: (namespace) => namespace !== 'risk' })!;
    expect(new Set(result.affected.map((a) => a.urn))).toEqual(new Set([u.scorer1, u.scorer2, u.scorer3]));
  });

  it('answers null for an unknown start and an empty list for a node nothing depends on', () => {
    expect(graph.blastRadius('mk:dataset:fraud/none', { limit: 10 })).toBeNull();
    expect(graph.blastRadius(u.dep1, { limit: 10 })).toMatchObject({ affected: [], total: 0, truncated: false });
  });

  it('ends on a cycle of derived versions', () => {
    const a = 'mk:version:loop/a@1';
    const b = 'mk:version:loop/b@1';
    const d = 'mk:dataset:loop/d';
    const cyclic = LineageGraph.build([], [
      { from: a, type: 'derivedFrom', to: b },
      { from: b, type: 'derivedFrom', to: a },
      { from: a, type: 'trainedOn', to: d },
    ]);
    expect(cyclic.blastRadius(d, { limit: 10 })!.affected.map((x) => x.path.nodes)).toEqual([
      [d, a],
      [d, a, b],
    ]);
  });
});
