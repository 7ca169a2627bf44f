import { describe, expect, it } from 'vitest';
import { familiesHonouring, licenseTraits } from '../../src/licenses/license-traits.js';

describe('license traits', () => {
  it('reads the Creative Commons elements from the id, ports included', () => {
    expect(licenseTraits('CC-BY-4.0')).toEqual({ commercialUse: true, derivatives: 'allowed', family: 'CC-BY' });
    expect(licenseTraits('CC-BY-SA-3.0-DE')).toEqual({ commercialUse: true, derivatives: 'share-alike', family: 'CC-BY-SA' });
    expect(licenseTraits('CC-BY-NC-4.0')).toEqual({ commercialUse: false, derivatives: 'allowed', family: 'CC-BY-NC' });
    expect(licenseTraits('CC-BY-NC-SA-2.0-UK')).toEqual({ commercialUse: false, derivatives: 'share-alike', family: 'CC-BY-NC-SA' });
    expect(licenseTraits('CC-BY-ND-4.0')).toEqual({ commercialUse: true, derivatives: 'none', family: 'CC-BY-ND' });
    expect(licenseTraits('CC-BY-NC-ND-3.0-IGO')).toEqual({ commercialUse: false, derivatives: 'none', family: 'CC-BY-NC-ND' });
  });

  it('knows the data licenses datasets carry', () => {
    expect(licenseTraits('CC0-1.0')).toMatchObject({ commercialUse: true, derivatives: 'allowed' });
    expect(licenseTraits('PDDL-1.0')).toMatchObject({ commercialUse: true, derivatives: 'allowed' });
    expect(licenseTraits('ODC-By-1.0')).toMatchObject({ derivatives: 'allowed' });
    expect(licenseTraits('ODbL-1.0')).toMatchObject({ derivatives: 'share-alike', family: 'ODbL' });
    expect(licenseTraits('CDLA-Permissive-1.0')).toMatchObject({ derivatives: 'allowed' });
    expect(licenseTraits('CDLA-Permissive-2.0')).toMatchObject({ derivatives: 'allowed' });
    expect(licenseTraits('CDLA-Sharing-1.0')).toMatchObject({ derivatives: 'share-alike', family: 'CDLA-Sharing' });
  });

  it('treats every spelling of a GNU license alike', () => {
    const gpl2 = { commercialUse: true, derivatives: 'share-alike', family: 'GPL' };
    for (const id of ['GPL-2.0', 'GPL-2.0+', 'GPL-2.0-only', 'GPL-2.0-or-later', 'gpl-2.0-or-later']) expect(licenseTraits(id)).toEqual(gpl2);
    expect(licenseTraits('LGPL-2.1-or-later')).toMatchObject({ family: 'LGPL' });
    expect(licenseTraits('AGPL-3.0-only')).toMatchObject({ family: 'AGPL' });
  });

  it('knows the permissive software licenses models carry', () => {
    for (const id of ['Apache-2.0', 'MIT', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC']) {
      expect(licenseTraits(id)).toMatchObject({ commercialUse: true, derivatives: 'allowed' });
    }
    expect(licenseTraits('MPL-2.0')).toMatchObject({ derivatives: 'share-alike', family: 'MPL' });
  });

  it('has no traits for a LicenseRef or an id it does not know', () => {
    expect(licenseTraits('LicenseRef-openrail-m')).toBeNull();
    expect(licenseTraits('LicenseRef-llama-3-community')).toBeNull();
    expect(licenseTraits('Glide')).toBeNull();
    expect(licenseTraits('CC-BY-9.9')).toBeNull();
    expect(licenseTraits('')).toBeNull();
  });

  it('lets a share-alike family move only where its license says it may', () => {
    expect(familiesHonouring('CC-BY-SA')).toEqual(['CC-BY-SA']);
    expect(familiesHonouring('LGPL')).toEqual(['LGPL', 'GPL']);
    expect(familiesHonouring('GPL')).toEqual(['GPL']);
  });
});
