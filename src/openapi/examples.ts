import type { ErrorCode } from '../errors';

/** The examples of the OpenAPI document; the subscription is SPEC.md §2's. */
export const examples = {
  subscription: {
    email: 'maija@example.org',
    locale: 'fi',
    label: 'Ohjelmistokehittäjä, Helsinki',
    searchUrl: 'https://jobs.example.org/haku?q=ohjelmistokehittaja&kunta=091',
    criteria: { keywords: 'ohjelmistokehittäjä', municipalities: ['091'] },
    frequency: 'daily',
    acceptTerms: true,
    termsVersion: '2024-06-27',
  },
  subscriptionForm: {
    email: 'maija@example.org',
    locale: 'fi',
    label: 'Ohjelmistokehittäjä, Helsinki',
    keywords: 'ohjelmistokehittäjä',
    municipalities: ['091'],
    frequency: 'daily',
    acceptTerms: 'on',
  },
  accepted: {
    status: 'accepted',
    message: 'If the address can receive email, a message is on its way to it.',
  },
  postingsDelivery: {
    postings: [
      {
        id: 'job-2026-0142',
        title: 'Ohjelmistokehittäjä (Python)',
        description: 'Kehitämme kaupungin verkkopalveluja Pythonilla ja TypeScriptillä.',
        employer: 'Helsingin kaupunki',
        url: 'https://jobs.example.org/job-2026-0142',
        publishedAt: '2026-03-02T08:00:00+02:00',
        deadline: '2026-03-31',
        municipalities: ['091'],
        regions: ['01'],
        occupations: ['2512'],
        employmentType: 'permanent',
        workingTime: 'full_time',
        remote: 'hybrid',
        language: 'fi',
      },
    ],
  },
  receipt: { received: 1, new: 1, updated: 0, matched: 3 },
  bounce: {
    type: 'email.bounced',
    created_at: '2026-03-02T08:00:00.000Z',
    data: { to: ['maija@example.org'], bounce: { type: 'Permanent' } },
  },
  metrics:
    '# HELP tyopaikkavahti_alerts Alerts stored, by status.\n' +
    '# TYPE tyopaikkavahti_alerts gauge\n' +
    'tyopaikkavahti_alerts{status="active"} 1204\n',
  /** `message` where no sample of the service's own wording is given */
  error(code: ErrorCode, message: string) {
    const sample: Partial<Record<ErrorCode, { message: string; details?: object[] }>> = {
      invalid_input: {
        message: 'The subscription is not valid.',
        details: [
          { path: 'criteria.municipalities.0', message: 'must be a 3-digit municipality code' },
        ],
      },
      unauthorized: { message: 'The webhook signature does not match.' },
      rate_limited: { message: 'Too many requests. Try again later.' },
    };
    return {
      error: {
        code,
        message: sample[code]?.message ?? message,
        ...(sample[code]?.details ? { details: sample[code]?.details } : {}),
        requestId: '5f0c6e3e-4b1a-4f0e-9a8f-2f4b9f1d7c21',
      },
    };
  },
};
