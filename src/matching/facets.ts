import type { Criteria } from '../alerts/criteria';

/**
 * The structured facets of SPEC.md §3 as terms, on both sides: a posting lists the facet terms it
 * has, an alert requires one term out of each of its facet clauses. Keeping both sides in this one
 * file is what makes the index complete: the terms an alert can be anchored on are exactly the
 * terms a matching posting produces.
 */

/** The structured fields of a posting that facets look at. */
export interface PostingFacets {
  municipalities?: string[];
  regions?: string[];
  occupations?: string[];
  employmentType?: string;
  workingTime?: string;
  remote?: 'no' | 'hybrid' | 'full';
  language?: 'fi' | 'sv' | 'en';
}

/** Matches every posting: the anchor of last resort, for alerts with nothing else to index. */
export const EVERY_POSTING = '*';
export const FULLY_REMOTE = 'remote:full';

/** The facet terms of a posting, including the location × occupation pairs used as anchors. */
export function postingFacetTerms(posting: PostingFacets): string[] {
  const locations = [
    ...(posting.municipalities ?? []).map((code) => `m:${code}`),
    ...(posting.regions ?? []).map((code) => `r:${code}`),
    ...(posting.remote === 'full' ? [FULLY_REMOTE] : []),
  ];
  const occupations = new Set<string>();
  for (const code of posting.occupations ?? []) {
    for (let length = 1; length <= code.length; length++) {
      occupations.add(`o:${code.slice(0, length)}`);
    }
  }
  const pairs = locations.flatMap((location) =>
    [...occupations].map((occupation) => pairTerm(location, occupation)),
  );
  return [
    EVERY_POSTING,
    ...locations,
    ...occupations,
    ...pairs,
    ...(posting.employmentType ? [`t:${posting.employmentType}`] : []),
    ...(posting.workingTime ? [`w:${posting.workingTime}`] : []),
    // A posting without a language counts as Finnish and English (SPEC.md §3).
    ...(posting.language ? [`l:${posting.language}`] : ['l:fi', 'l:en']),
  ];
}

export const pairTerm = (location: string, occupation: string) => `${location}&${occupation}`;

/** One required facet: a posting satisfies it when it has one of `terms`. */
export interface FacetClause {
  facet: 'location' | 'occupation' | 'employmentType' | 'workingTime' | 'remote' | 'language';
  terms: string[];
}

/**
 * The facet clauses of criteria. Municipalities and regions form one location facet; with
 * `remote: include` a fully remote posting also satisfies it; with `remote: only` the posting must
 * be fully remote and its location does not matter.
 */
export function facetClauses(criteria: Criteria): FacetClause[] {
  const clauses: FacetClause[] = [];
  const locations = [
    ...(criteria.municipalities ?? []).map((code) => `m:${code}`),
    ...(criteria.regions ?? []).map((code) => `r:${code}`),
  ];
  if (criteria.remote === 'only') {
    clauses.push({ facet: 'remote', terms: [FULLY_REMOTE] });
  } else if (locations.length > 0) {
    const remote = criteria.remote === 'include' ? [FULLY_REMOTE] : [];
    clauses.push({ facet: 'location', terms: [...locations, ...remote] });
  }
  const add = (facet: FacetClause['facet'], prefix: string, values: readonly string[] = []) => {
    if (values.length > 0) clauses.push({ facet, terms: values.map((value) => prefix + value) });
  };
  add('occupation', 'o:', criteria.occupations);
  add('employmentType', 't:', criteria.employmentTypes);
  add('workingTime', 'w:', criteria.workingTimes);
  add('language', 'l:', criteria.languages);
  return clauses;
}
