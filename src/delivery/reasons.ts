import { valueName } from '../alerts/describe';
import { municipalityName, regionName } from '../alerts/places';
import type { Locale } from '../db/schema';
import type { MatchReasons } from '../matching/evaluate';
import { FULLY_REMOTE } from '../matching/facets';

const words = {
  fi: {
    keyword: 'hakusana',
    m: 'kunta',
    r: 'maakunta',
    o: 'ammattiluokka',
    t: 'työsuhde',
    w: 'työaika',
    l: 'kieli',
    remote: 'etätyö',
  },
  sv: {
    keyword: 'sökord',
    m: 'kommun',
    r: 'landskap',
    o: 'yrkesklass',
    t: 'anställning',
    w: 'arbetstid',
    l: 'språk',
    remote: 'distansarbete',
  },
  en: {
    keyword: 'keyword',
    m: 'municipality',
    r: 'region',
    o: 'occupation',
    t: 'employment',
    w: 'working time',
    l: 'language',
    remote: 'remote work',
  },
} satisfies Record<Locale, Record<string, string>>;

/**
 * Why a posting matched, in the reader's words ("hakusana: kehittäjä", "kunta: Helsinki"), from the
 * reasons the matcher recorded. Each keyword is named once, with the posting's word when it
 * differs (a compound or an inflected form).
 */
export function describeReasons(reasons: MatchReasons, locale: Locale): string[] {
  const t = words[locale];
  const keywords = new Map<string, string>();
  for (const { keyword, word } of reasons.keywords) {
    if (!keywords.has(keyword)) keywords.set(keyword, word);
  }
  const lines = [...keywords].map(([keyword, word]) =>
    word && word.toLowerCase() !== keyword.toLowerCase()
      ? `${t.keyword}: ${keyword} (${word})`
      : `${t.keyword}: ${keyword}`,
  );
  for (const term of new Set(reasons.facets)) {
    if (term === FULLY_REMOTE) {
      lines.push(t.remote);
      continue;
    }
    const match = /^([mrotwl]):([^&]+)$/.exec(term);
    const facet = match?.[1] as keyof typeof t | undefined;
    if (!facet || !match?.[2]) continue;
    const nameOf = facet === 'm' ? municipalityName : facet === 'r' ? regionName : valueName;
    lines.push(`${t[facet]}: ${nameOf(match[2], locale)}`);
  }
  return lines;
}
