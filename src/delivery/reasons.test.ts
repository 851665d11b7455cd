import { describe, expect, it } from 'vitest';
import { describeReasons } from './reasons';

const placesHit = {
  keywords: [{ keyword: 'kehittäjä', word: 'ohjelmistokehittäjä' }],
  facets: ['m:091', 'r:01', 'm:999', 't:permanent', 'remote:full'],
};

describe('describeReasons', () => {
  it('names the municipalities and regions that matched in the reader’s language', () => {
    expect(describeReasons(placesHit, 'fi')).toEqual([
      'hakusana: kehittäjä (ohjelmistokehittäjä)',
      'kunta: Helsinki',
      'maakunta: Uusimaa',
      'kunta: 999',
      'työsuhde: vakituinen',
      'etätyö',
    ]);
    expect(describeReasons(placesHit, 'sv')).toEqual([
      'sökord: kehittäjä (ohjelmistokehittäjä)',
      'kommun: Helsingfors',
      'landskap: Nyland',
      'kommun: 999',
      'anställning: tillsvidare',
      'distansarbete',
    ]);
    expect(describeReasons(placesHit, 'en')).toEqual([
      'keyword: kehittäjä (ohjelmistokehittäjä)',
      'municipality: Helsinki',
      'region: Uusimaa',
      'municipality: 999',
      'employment: permanent',
      'remote work',
    ]);
  });
});
