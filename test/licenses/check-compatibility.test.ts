import { describe, expect, it } from 'vitest';
import { checkCompatibility, type TrainingDataset } from '../../src/licenses/check-compatibility.js';

const urn = 'urn:modelkeep:dataset:corpus';
const dataset = (license: string | null, usageTerms?: string[]): TrainingDataset => ({ urn, license, ...(usageTerms === undefined ? {} : { usageTerms }) });
const check = (modelLicense: string | null, ...datasets: TrainingDataset[]) => checkCompatibility({ license: modelLicense }, datasets);

describe('non-commercial data', () => {
  it('conflicts with an Apache-2.0 model, saying why', () => {
    const [finding, ...rest] = check('Apache-2.0', dataset('CC-BY-NC-4.0'));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ dataset: urn, severity: 'conflict' });
    expect(finding!.reason).toMatch(/CC-BY-NC-4\.0 forbids commercial use, but the model's license Apache-2\.0 permits commercial use/);
  });

  it('is fine under a model that is itself CC-BY-NC-4.0', () => {
    expect(check('CC-BY-NC-4.0', dataset('CC-BY-NC-4.0'))).toEqual([]);
  });

  it('reads a research-only usage term on CC0 data as non-commercial', () => {
    const findings = check('MIT', dataset('CC0-1.0', ['research-only']));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'conflict', reason: expect.stringMatching(/usage term 'research-only' limits the data to research/) });
    expect(check('CC-BY-NC-4.0', dataset('CC0-1.0', ['research-only']))).toEqual([]);
  });

  it('folds the case and underscores of usage terms', () => {
    expect(check('MIT', dataset('CC0-1.0', ['Non_Commercial']))).toMatchObject([{ severity: 'conflict' }]);
    expect(check('MIT', dataset('CC0-1.0', [' RESEARCH ONLY ']))).toMatchObject([{ severity: 'conflict' }]);
  });

  it('conflicts when the model may be taken under a commercial choice, but not when AND binds it to the non-commercial one', () => {
    expect(check('MIT OR CC-BY-NC-4.0', dataset('CC-BY-NC-4.0'))).toMatchObject([{ severity: 'conflict' }]);
    expect(check('MIT AND CC-BY-NC-4.0', dataset('CC-BY-NC-4.0'))).toEqual([]);
  });

  it('only warns when the model license has terms ModelKeep does not know', () => {
    expect(check('LicenseRef-acme-model', dataset('CC-BY-NC-4.0'))).toMatchObject([{ severity: 'warning', reason: expect.stringMatching(/must check it forbids commercial use/) }]);
  });
});

describe('share-alike data', () => {
  it('conflicts with an MIT model', () => {
    expect(check('MIT', dataset('CC-BY-SA-4.0'))).toMatchObject([{ severity: 'conflict', reason: expect.stringMatching(/shared alike \(under CC-BY-SA\)/) }]);
  });

  it('is fine under a CC-BY-SA-4.0 model, or another version or port of the same license', () => {
    expect(check('CC-BY-SA-4.0', dataset('CC-BY-SA-4.0'))).toEqual([]);
    expect(check('CC-BY-SA-4.0', dataset('CC-BY-SA-3.0-DE'))).toEqual([]);
  });

  it('treats ODbL, CDLA-Sharing and the GNU licenses as share-alike families', () => {
    expect(check('MIT', dataset('ODbL-1.0'))).toMatchObject([{ severity: 'conflict' }]);
    expect(check('ODbL-1.0', dataset('ODbL-1.0'))).toEqual([]);
    expect(check('CDLA-Permissive-2.0', dataset('CDLA-Sharing-1.0'))).toMatchObject([{ severity: 'conflict' }]);
    expect(check('Apache-2.0', dataset('GPL-3.0-only'))).toMatchObject([{ severity: 'conflict' }]);
    expect(check('GPL-3.0-or-later', dataset('GPL-2.0+'))).toEqual([]);
  });

  it('lets LGPL data go into a GPL model, but not GPL data into an LGPL model', () => {
    expect(check('GPL-3.0-only', dataset('LGPL-2.1-only'))).toEqual([]);
    expect(check('LGPL-3.0-only', dataset('GPL-3.0-only'))).toMatchObject([{ severity: 'conflict' }]);
  });

  it('conflicts with a model that may be taken outside the family through OR', () => {
    expect(check('CC-BY-SA-4.0 OR MIT', dataset('CC-BY-SA-4.0'))).toMatchObject([{ severity: 'conflict', reason: expect.stringMatching(/lets the model be taken outside/) }]);
  });

  it('holds a share-alike usage term to the dataset license', () => {
    expect(check('MIT', dataset('CC-BY-4.0', ['share_alike']))).toMatchObject([{ severity: 'conflict' }]);
    expect(check('CC-BY-4.0', dataset('CC-BY-4.0', ['share-alike']))).toEqual([]);
    expect(check('CC-BY-4.0', dataset(null, ['share-alike']))).toMatchObject([
      { severity: 'conflict', reason: expect.stringMatching(/declares no license to share them under/) },
      { severity: 'warning' },
    ]);
  });
});

describe('no-derivatives data', () => {
  it('conflicts whatever the model license, since a trained model is a derivative', () => {
    for (const model of ['MIT', 'CC-BY-NC-ND-4.0', 'CC-BY-ND-4.0']) {
      expect(check(model, dataset('CC-BY-ND-4.0'))).toMatchObject([{ severity: 'conflict', reason: expect.stringMatching(/forbids derivatives/) }]);
    }
    expect(check('MIT', dataset('CC0-1.0', ['no-derivatives']))).toMatchObject([{ severity: 'conflict' }]);
  });

  it('reports both restrictions of CC-BY-NC-ND under a commercial model', () => {
    const reasons = check('Apache-2.0', dataset('CC-BY-NC-ND-4.0')).map((f) => f.reason);
    expect(reasons).toEqual([expect.stringMatching(/forbids commercial use/), expect.stringMatching(/forbids derivatives/)]);
  });
});

describe('datasets whose terms are unknown', () => {
  it('warns about a dataset without a license', () => {
    for (const license of [null, '', '  ', 'NOASSERTION']) {
      expect(check('MIT', dataset(license))).toEqual([{ dataset: urn, severity: 'warning', reason: expect.stringMatching(/declares no license, so its terms are unknown/) }]);
    }
    expect(check('MIT', { urn })).toMatchObject([{ severity: 'warning' }]);
  });

  it('warns about a license the traits table does not know, and one that does not parse', () => {
    expect(check('MIT', dataset('LicenseRef-openrail-m'))).toMatchObject([{ severity: 'warning', reason: expect.stringMatching(/LicenseRef-openrail-m has terms ModelKeep does not know/) }]);
    expect(check('MIT', dataset('openrail'))).toMatchObject([{ severity: 'warning', reason: expect.stringMatching(/not a valid SPDX expression/) }]);
  });

  it('warns about a usage term it does not recognise rather than ignoring it', () => {
    expect(check('MIT', dataset('CC-BY-4.0', ['no-facial-recognition']))).toMatchObject([{ severity: 'warning', reason: expect.stringMatching(/'no-facial-recognition' is not one ModelKeep recognises/) }]);
  });

  it('warns about no-redistribution terms, and conflicts for internal-only data under a public license', () => {
    expect(check('MIT', dataset('CC-BY-4.0', ['no-redistribution']))).toMatchObject([{ severity: 'warning' }]);
    expect(check('MIT', dataset('CC-BY-4.0', ['internal-only']))).toMatchObject([{ severity: 'conflict', reason: expect.stringMatching(/offered to others under MIT/) }]);
    expect(check('LicenseRef-acme-internal', dataset('CC-BY-4.0', ['internal-only']))).toMatchObject([{ severity: 'warning' }]);
  });
});

describe('a model without a license', () => {
  it('conflicts with every dataset that carries a restriction', () => {
    expect(check(null, dataset('CC-BY-NC-4.0'))).toMatchObject([{ severity: 'conflict', reason: expect.stringMatching(/the model declares no license/) }]);
    expect(check(null, dataset('CC0-1.0', ['internal-only']))).toMatchObject([{ severity: 'conflict' }]);
    expect(check('not a license', dataset('CC-BY-SA-4.0'))).toMatchObject([{ severity: 'conflict', reason: expect.stringMatching(/not a valid SPDX expression/) }]);
  });

  it('has nothing to answer for with permissive data', () => {
    expect(check(null, dataset('CC-BY-4.0'), dataset('CC0-1.0'), dataset('MIT'))).toEqual([]);
  });
});

describe('OR on the dataset side', () => {
  it('is compatible when any choice is', () => {
    expect(check('MIT', dataset('CC-BY-NC-4.0 OR CC-BY-4.0'))).toEqual([]);
    expect(check('MIT', dataset('LicenseRef-custom OR CC0-1.0'))).toEqual([]);
    expect(check('MIT', dataset('(CC-BY-SA-4.0 OR MIT) AND Apache-2.0'))).toEqual([]);
  });

  it('reports the least restrictive choice when none is compatible', () => {
    const findings = check('MIT', dataset('CC-BY-NC-ND-4.0 OR CC-BY-NC-4.0'));
    expect(findings).toEqual([
      { dataset: urn, severity: 'conflict', reason: expect.stringMatching(/CC-BY-NC-4\.0 forbids commercial use.*under the least restrictive choice of 'CC-BY-NC-ND-4\.0 OR CC-BY-NC-4\.0'/) },
    ]);
  });

  it('applies both sides of AND', () => {
    expect(check('MIT', dataset('CC-BY-NC-4.0 AND CC-BY-SA-4.0')).map((f) => f.severity)).toEqual(['conflict', 'conflict']);
  });
});

describe('many datasets', () => {
  it('returns nothing when everything is compatible, and otherwise one entry per problem named by dataset', () => {
    expect(check('Apache-2.0', dataset('CC-BY-4.0'), dataset('CDLA-Permissive-2.0'), dataset('ODC-By-1.0'), dataset('PDDL-1.0'))).toEqual([]);
    const findings = checkCompatibility({ license: 'Apache-2.0' }, [
      { urn: 'urn:a', license: 'CC-BY-4.0' },
      { urn: 'urn:b', license: 'CC-BY-NC-SA-4.0' },
      { urn: 'urn:c' },
    ]);
    expect(findings.map((f) => [f.dataset, f.severity])).toEqual([
      ['urn:b', 'conflict'],
      ['urn:b', 'conflict'],
      ['urn:c', 'warning'],
    ]);
  });

  it('accepts hostile input without throwing', () => {
    const deep = `${'('.repeat(5000)}MIT${')'.repeat(5000)}`;
    expect(check(deep, dataset(deep))).toMatchObject([{ severity: 'warning' }]);
    expect(check('MIT', dataset('MIT AND', ['', '  ']))).toMatchObject([{ severity: 'warning', reason: expect.stringMatching(/not a valid SPDX expression/) }]);
  });
});
