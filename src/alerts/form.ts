import { AppError } from '../errors';
import { type Fields, firstField } from '../http/body';

const listFacets = [
  'municipalities',
  'regions',
  'occupations',
  'employmentTypes',
  'workingTimes',
  'languages',
] as const;

/** What a form's acceptTerms field may hold to mean yes: a checkbox sends `on` by default. */
export const acceptTermsValues = ['on', 'true', '1', 'yes'] as const;
const accepted = new Set<string>(acceptTermsValues);

/**
 * A plain HTML form's fields in the shape of the JSON body, for the same schema to validate.
 * Facets come as fields of their own (`municipalities=091&municipalities=049`, or comma separated)
 * or as one `criteria` field holding JSON. Fields the form has but the body does not (a submit
 * button's name) are left out.
 */
export function subscribeBodyFromForm(fields: Fields): Record<string, unknown> {
  const text = (name: string) => {
    const value = firstField(fields, name)?.trim();
    return value ? value : undefined;
  };
  const list = (name: string) => {
    const raw = fields[name];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter((value) => value.length > 0);
    return values.length > 0 ? values : undefined;
  };

  let criteria: unknown;
  const criteriaJson = text('criteria');
  if (criteriaJson !== undefined) {
    try {
      criteria = JSON.parse(criteriaJson);
    } catch {
      throw new AppError('malformed_body', 'The criteria field is not valid JSON.');
    }
  } else {
    criteria = withoutUndefined({
      keywords: text('keywords'),
      remote: text('remote'),
      ...Object.fromEntries(listFacets.map((facet) => [facet, list(facet)])),
    });
  }

  const acceptTerms = text('acceptTerms');
  return withoutUndefined({
    email: text('email'),
    locale: text('locale'),
    label: text('label'),
    searchUrl: text('searchUrl'),
    frequency: text('frequency'),
    termsVersion: text('termsVersion'),
    website: text('website'),
    acceptTerms: acceptTerms && accepted.has(acceptTerms.toLowerCase()) ? true : acceptTerms,
    criteria,
  });
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
