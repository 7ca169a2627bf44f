import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { isPackageUrn, kindOfUrn, libraryUrn, modelOfVersionUrn, namespaceOfUrn, packageOfLibraryUrn } from '../../src/lineage/lineage-urns.js';

describe('lineage URNs', () => {
  it.each([
    ['mk:version:fraud/scorer@3', 'version'],
    ['mk:model:fraud/scorer', 'model'],
    ['mk:dataset:fraud/tx', 'dataset'],
    ['mk:dataset:fraud/tx@2024-06-01', 'dataset'],
    ['mk:featureset:fraud/card-features', 'featureset'],
    ['mk:pipeline:fraud/train', 'pipeline'],
    ['mk:run:fraud/0b9e7c1A-run:2', 'run'],
    ['mk:library:pkg:pypi/numpy@1.26.4', 'library'],
    ['mk:library:pkg:npm/%40angular/core@17.0.0', 'library'],
    ['mk:library:pkg:npm/@angular/core@17.0.0', 'library'],
    ['mk:image:ghcr.io:443/org/scorer@sha256:0a1b2c', 'image'],
    ['mk:service:openai/chat-completions', 'service'],
    ['mk:deployment:dep-7f3a', 'deployment'],
  ])('knows %s is a %s', (urn, kind) => {
    expect(kindOfUrn(urn)).toBe(kind);
  });

  it.each([
    'mk:version:fraud/scorer',
    'mk:version:fraud/scorer@0',
    'mk:version:Fraud/scorer@1',
    'mk:model:fraud/scorer@1',
    'mk:model:fraud',
    'mk:library:numpy',
    'mk:library:pkg:pypi/num py',
    'mk:image:scorer:latest',
    'mk:image:scorer@sha256:XYZ',
    'mk:namespace:fraud',
    'mk:deployment:',
    'urn:mk:version:fraud/scorer@1',
    '',
  ])('refuses %j', (urn) => {
    expect(kindOfUrn(urn)).toBeNull();
  });

  it('reads the namespace of namespaced kinds only', () => {
    expect(namespaceOfUrn('mk:version:fraud/scorer@3')).toBe('fraud');
    expect(namespaceOfUrn('mk:dataset:risk/tx@2')).toBe('risk');
    expect(namespaceOfUrn('mk:run:ops/abc')).toBe('ops');
    expect(namespaceOfUrn('mk:library:pkg:pypi/numpy@1.26.4')).toBeNull();
    expect(namespaceOfUrn('mk:image:r/s@sha256:00')).toBeNull();
    expect(namespaceOfUrn('mk:deployment:fraud/x')).toBeNull();
    expect(namespaceOfUrn('nonsense')).toBeNull();
  });

  it('strips version, qualifiers and subpath to name the package', () => {
    expect(packageOfLibraryUrn('mk:library:pkg:pypi/numpy@1.26.4')).toBe('pkg:pypi/numpy');
    expect(packageOfLibraryUrn('mk:library:pkg:pypi/numpy')).toBe('pkg:pypi/numpy');
    expect(packageOfLibraryUrn('mk:library:pkg:npm/@angular/core@17.0.0')).toBe('pkg:npm/@angular/core');
    expect(packageOfLibraryUrn('mk:library:pkg:npm/@angular/core')).toBe('pkg:npm/@angular/core');
    expect(packageOfLibraryUrn('mk:library:pkg:maven/org.apache/commons@1.2?type=jar#src/x')).toBe('pkg:maven/org.apache/commons');
    expect(packageOfLibraryUrn('mk:version:fraud/scorer@3')).toBeNull();
    expect(isPackageUrn('mk:library:pkg:npm/@angular/core')).toBe(true);
    expect(isPackageUrn('mk:library:pkg:npm/@angular/core@17.0.0')).toBe(false);
    expect(isPackageUrn('mk:model:fraud/scorer')).toBe(false);
  });

  it('builds library URNs from purls and refuses what is not one', () => {
    expect(libraryUrn('pkg:pypi/numpy@1.26.4')).toBe('mk:library:pkg:pypi/numpy@1.26.4');
    expect(() => libraryUrn('numpy==1.26.4')).toThrow(RegistryError);
  });

  it('names the model of a version', () => {
    expect(modelOfVersionUrn('mk:version:fraud/scorer@12')).toBe('mk:model:fraud/scorer');
    expect(modelOfVersionUrn('mk:model:fraud/scorer')).toBeNull();
  });
});
