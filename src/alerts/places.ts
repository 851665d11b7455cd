import type { Locale } from '../db/schema';
import { municipalityNames } from './municipalities';

type PlaceNames = { fi: string; sv?: string };

/** The 19 regions (maakunnat) by their 2-digit code, in Finnish and, where it differs, Swedish. */
const regionNames: Record<string, PlaceNames> = {
  '01': { fi: 'Uusimaa', sv: 'Nyland' },
  '02': { fi: 'Varsinais-Suomi', sv: 'Egentliga Finland' },
  '04': { fi: 'Satakunta' },
  '05': { fi: 'Kanta-Häme', sv: 'Egentliga Tavastland' },
  '06': { fi: 'Pirkanmaa', sv: 'Birkaland' },
  '07': { fi: 'Päijät-Häme', sv: 'Päijänne-Tavastland' },
  '08': { fi: 'Kymenlaakso', sv: 'Kymmenedalen' },
  '09': { fi: 'Etelä-Karjala', sv: 'Södra Karelen' },
  '10': { fi: 'Etelä-Savo', sv: 'Södra Savolax' },
  '11': { fi: 'Pohjois-Savo', sv: 'Norra Savolax' },
  '12': { fi: 'Pohjois-Karjala', sv: 'Norra Karelen' },
  '13': { fi: 'Keski-Suomi', sv: 'Mellersta Finland' },
  '14': { fi: 'Etelä-Pohjanmaa', sv: 'Södra Österbotten' },
  '15': { fi: 'Pohjanmaa', sv: 'Österbotten' },
  '16': { fi: 'Keski-Pohjanmaa', sv: 'Mellersta Österbotten' },
  '17': { fi: 'Pohjois-Pohjanmaa', sv: 'Norra Österbotten' },
  '18': { fi: 'Kainuu', sv: 'Kajanaland' },
  '19': { fi: 'Lappi', sv: 'Lappland' },
  '21': { fi: 'Ahvenanmaa', sv: 'Åland' },
};

// English has no names of its own for most places: English text uses the Finnish name.
function nameIn(table: Record<string, PlaceNames>, code: string, locale: Locale): string {
  const names = Object.hasOwn(table, code) ? table[code] : undefined;
  if (!names) return code;
  return locale === 'sv' ? (names.sv ?? names.fi) : names.fi;
}

/** A municipality's name in the reader's language ("091": Helsinki, Helsingfors), or the code. */
export const municipalityName = (code: string, locale: Locale) =>
  nameIn(municipalityNames, code, locale);

/** A region's name in the reader's language ("01": Uusimaa, Nyland), or the code. */
export const regionName = (code: string, locale: Locale) => nameIn(regionNames, code, locale);
