import { describe, expect, it } from '@jest/globals';
import { crisisResourcesFor } from './crisis-resources.js';

describe('crisis resources', () => {
  it('gives 988 in the US and 12356 in mainland China by default', () => {
    expect(crisisResourcesFor({}, 'en-US', 'en').resources[0]).toMatchObject({ phone: '988' });
    expect(crisisResourcesFor({}, 'zh-CN', 'zh').resources[0]).toMatchObject({ phone: '12356' });
    expect(crisisResourcesFor({}, 'zh-Hans-CN', 'zh').resources[0].id).toBe('cn-12356');
  });

  it('prefers configuration, most specific first, and falls back by the reply language', () => {
    const table = {
      'en-NZ': [{ id: 'nz-1737', name: 'Need to talk?', phone: '1737' }],
      en: [{ id: 'en-any', name: 'Local emergency services' }],
    };
    expect(crisisResourcesFor(table, 'en-NZ', 'en').resources[0].id).toBe('nz-1737');
    expect(crisisResourcesFor(table, 'en-ZA', 'en')).toMatchObject({ locale: 'en' });
    expect(crisisResourcesFor({}, null, 'zh').resources[0].id).toBe('cn-12356');
    expect(crisisResourcesFor({}, 'fr-FR', 'en').resources[0].id).toBe('us-988');
  });
});
