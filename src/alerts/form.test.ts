import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { subscribeBodyFromForm } from './form';

const person = {
  email: 'maija@example.org',
  locale: 'fi',
  label: 'Ohjelmistokehittäjä, Helsinki',
  termsVersion: '2024-06-27',
};

describe('subscribeBodyFromForm', () => {
  it('turns a plain HTML form into the JSON body of POST /v1/alerts', () => {
    const body = subscribeBodyFromForm({
      ...person,
      searchUrl: 'https://jobs.example.org/haku?q=kehittaja',
      frequency: 'weekly',
      keywords: 'ohjelmistokehittäjä',
      municipalities: '091',
      remote: 'include',
      acceptTerms: 'on',
    });
    expect(body).toEqual({
      ...person,
      searchUrl: 'https://jobs.example.org/haku?q=kehittaja',
      frequency: 'weekly',
      acceptTerms: true,
      criteria: { keywords: 'ohjelmistokehittäjä', municipalities: ['091'], remote: 'include' },
    });
  });

  it('collects a repeated facet field into a list', () => {
    const body = subscribeBodyFromForm({
      ...person,
      municipalities: ['091', '049'],
      employmentTypes: ['permanent', 'fixed_term'],
    });
    expect(body.criteria).toEqual({
      municipalities: ['091', '049'],
      employmentTypes: ['permanent', 'fixed_term'],
    });
  });

  it('splits a comma-separated facet field into a list', () => {
    const body = subscribeBodyFromForm({
      ...person,
      regions: '01, 02,,',
      occupations: ['25,2512', '21'],
      languages: 'fi,sv',
      workingTimes: 'full_time',
    });
    expect(body.criteria).toEqual({
      regions: ['01', '02'],
      occupations: ['25', '2512', '21'],
      languages: ['fi', 'sv'],
      workingTimes: ['full_time'],
    });
  });

  it.each(['on', 'true', '1', 'yes', 'ON'])('reads a ticked terms box (%s) as true', (value) => {
    expect(subscribeBodyFromForm({ ...person, acceptTerms: value }).acceptTerms).toBe(true);
  });

  it('passes any other terms value on as it is, for the schema to refuse', () => {
    expect(subscribeBodyFromForm({ ...person, acceptTerms: 'off' }).acceptTerms).toBe('off');
  });

  it('leaves acceptTerms out when the box was not ticked', () => {
    expect(subscribeBodyFromForm({ ...person })).not.toHaveProperty('acceptTerms');
  });

  it('parses a criteria field holding JSON, as the script widget sends it', () => {
    const criteria = { keywords: 'kehittäjä', municipalities: ['091'], remote: 'only' };
    const body = subscribeBodyFromForm({ ...person, criteria: JSON.stringify(criteria) });
    expect(body.criteria).toEqual(criteria);
  });

  it('prefers the criteria JSON field over separate facet fields', () => {
    const body = subscribeBodyFromForm({
      ...person,
      criteria: '{"keywords":"kehittäjä"}',
      municipalities: '091',
    });
    expect(body.criteria).toEqual({ keywords: 'kehittäjä' });
  });

  it('refuses a criteria field that is not JSON with a malformed_body error (400)', () => {
    let thrown: unknown;
    try {
      subscribeBodyFromForm({ ...person, criteria: '{keywords: kehittäjä' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'malformed_body', status: 400 });
  });

  it('drops empty and blank fields', () => {
    const body = subscribeBodyFromForm({
      ...person,
      searchUrl: '',
      frequency: '   ',
      keywords: 'kehittäjä',
      municipalities: '',
      regions: [' ', ''],
      remote: '',
      criteria: '',
    });
    expect(body).toEqual({ ...person, criteria: { keywords: 'kehittäjä' } });
  });

  it('trims surrounding whitespace from text fields', () => {
    const body = subscribeBodyFromForm({ ...person, email: '  maija@example.org ' });
    expect(body.email).toBe('maija@example.org');
  });

  it('takes the first value of a repeated text field', () => {
    const body = subscribeBodyFromForm({ ...person, frequency: ['daily', 'weekly'] });
    expect(body.frequency).toBe('daily');
  });

  it('does not pass on fields the body does not have, such as the submit button', () => {
    const body = subscribeBodyFromForm({
      ...person,
      keywords: 'kehittäjä',
      submit: 'Tilaa',
      utm_source: 'newsletter',
    });
    expect(Object.keys(body).sort()).toEqual([
      'criteria',
      'email',
      'label',
      'locale',
      'termsVersion',
    ]);
    expect(body.criteria).toEqual({ keywords: 'kehittäjä' });
  });

  it('passes the honeypot field on, so that a bot filling it is recognised', () => {
    const body = subscribeBodyFromForm({ ...person, website: 'https://spam.example' });
    expect(body.website).toBe('https://spam.example');
  });
});
