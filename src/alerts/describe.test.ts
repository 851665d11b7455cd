import { describe, expect, it } from 'vitest';
import type { Criteria } from './criteria';
import { describeCriteria } from './describe';
import { municipalityNames } from './municipalities';

const places: Criteria = { municipalities: ['091', '049', '837'], regions: ['01', '21'] };

describe('describeCriteria', () => {
  it('names municipalities and regions in Finnish, in Swedish where they have a Swedish name, and in English by their Finnish name', () => {
    expect(describeCriteria(places, 'fi')).toEqual([
      'Kunnat: Helsinki, Espoo, Tampere',
      'Maakunnat: Uusimaa, Ahvenanmaa',
    ]);
    expect(describeCriteria(places, 'sv')).toEqual([
      'Kommuner: Helsingfors, Esbo, Tammerfors',
      'Landskap: Nyland, Åland',
    ]);
    expect(describeCriteria(places, 'en')).toEqual([
      'Municipalities: Helsinki, Espoo, Tampere',
      'Regions: Uusimaa, Ahvenanmaa',
    ]);
  });

  it('gives a Swedish text the Finnish name of a place that has no Swedish one', () => {
    expect(describeCriteria({ municipalities: ['297'], regions: ['04'] }, 'sv')).toEqual([
      'Kommuner: Kuopio',
      'Landskap: Satakunta',
    ]);
  });

  it('shows a code it holds no name for as the code', () => {
    expect(describeCriteria({ municipalities: ['999'], regions: ['03'] }, 'fi')).toEqual([
      'Kunnat: 999',
      'Maakunnat: 03',
    ]);
  });

  it('leaves the keywords as the user wrote them, even when they look like a value it names', () => {
    expect(describeCriteria({ keywords: 'fi' }, 'fi')).toEqual(['Hakusanat: fi']);
    expect(describeCriteria({ keywords: 'constructor' }, 'en')).toEqual(['Keywords: constructor']);
    expect(describeCriteria({ keywords: 'toString', languages: ['sv'] }, 'sv')).toEqual([
      'Sökord: toString',
      'Annonsens språk: svenska',
    ]);
  });

  it('holds a name for every municipality of mainland Finland and Åland', () => {
    // 293 on the mainland and 16 in Åland since 2021.
    expect(Object.keys(municipalityNames)).toHaveLength(309);
    for (const code of Object.keys(municipalityNames)) expect(code).toMatch(/^\d{3}$/);
  });
});
