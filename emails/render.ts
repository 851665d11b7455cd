import { render, toPlainText } from '@react-email/render';
import { createElement, type ReactElement } from 'react';

export type RenderedEmail = { html: string; text: string };

/**
 * Renders one email element to its HTML and plain-text parts. The text is converted from the
 * HTML already rendered (the same result as a second render with `plainText`, at half the cost).
 */
export async function renderEmail(element: ReactElement): Promise<RenderedEmail> {
  const html = await render(element);
  return { html, text: toPlainText(html) };
}

/*
 * Rendering with React costs milliseconds an email, and a digest run renders thousands of emails
 * that differ only in their words, links and counts. So each template is rendered once per shape
 * of its props (which fields are present, how many items each list has, which counts are 0 or 1),
 * with every string replaced by a marker (`qz…zq`, lower-case letters only) and every other
 * number by a marker number; then each email is the cached HTML and text with the markers
 * replaced by its own values, escaped as React escapes them. The plain-text converter upper-cases
 * headings: a marker found upper-cased takes the value upper-cased. Any marker left over, or one
 * found where it cannot be substituted, makes the email render the ordinary way instead.
 */

type Shape = string | number | boolean | null | Shape[] | { [key: string]: Shape };

interface Template {
  html: string;
  text: string;
}

const MAX_SHAPES_PER_TEMPLATE = 500;
/** Props whose values choose wording rather than being shown: they are part of the shape. */
const literalProps = new Set(['locale', 'frequency', 'status']);
const NUMBER_BASE = 7_300_000_000;
const templates = new WeakMap<(props: never) => ReactElement, Map<string, Template>>();

function marker(index: number): string {
  let letters = '';
  let rest = index;
  do {
    letters = String.fromCharCode(97 + (rest % 26)) + letters;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `qz${letters}zq`;
}

function markerIndex(letters: string): number {
  let index = 0;
  for (const letter of letters.toLowerCase()) index = index * 26 + (letter.charCodeAt(0) - 97);
  return index;
}

/** The props with markers for values, their shape, and the values in marker order. */
function markProps(props: unknown) {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const numbers: number[] = [];
  const walk = (value: unknown, key?: string): [unknown, Shape] => {
    if (typeof value === 'string') {
      if (value === '') return ['', 'e'];
      if (key && literalProps.has(key)) return [value, `=${value}`];
      let index = stringIndex.get(value);
      if (index === undefined) {
        index = strings.push(value) - 1;
        stringIndex.set(value, index);
      }
      return [marker(index), 's'];
    }
    if (typeof value === 'number') {
      if (value === 0 || value === 1 || !Number.isInteger(value)) return [value, value];
      return [NUMBER_BASE + numbers.push(value) - 1, 'n'];
    }
    if (Array.isArray(value)) {
      const items = value.map((item) => walk(item));
      return [items.map(([marked]) => marked), items.map(([, shape]) => shape)];
    }
    if (value && typeof value === 'object') {
      const entries = Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, item]) => [key, ...walk(item, key)] as const);
      return [
        Object.fromEntries(entries.map(([key, marked]) => [key, marked])),
        Object.fromEntries(entries.map(([key, , shape]) => [key, shape])),
      ];
    }
    return [value, value === undefined ? null : (value as Shape)];
  };
  const [marked, shape] = walk(props);
  return { marked, key: JSON.stringify(shape), strings, numbers };
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
};
const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);
const asText = (value: string) => value.replace(/\s+/g, ' ');
const unescapeHtml = (value: string) =>
  value.replace(/&(amp|lt|gt|quot|#x27);/g, (entity) => {
    const found = Object.entries(htmlEscapes).find(([, escaped]) => escaped === entity);
    return found?.[0] ?? entity;
  });

/*
 * react-email's <Preview> cuts its text at 150 characters and pads it to that length with
 * invisible characters, so its markup depends on the length of the values: it is rebuilt here the
 * way <Preview> builds it.
 */
const PREVIEW_MAX_LENGTH = 150;
const PREVIEW_PADDING = '\u00a0\u200c\u200b\u200d\u200e\u200f\ufeff';
const previewBlock = /(data-skip-in-text="true">)([^<]*)(?:<div>[^<]*<\/div>)?(<\/div>)/;

function rebuildPreview(html: string): string {
  return html.replace(previewBlock, (_, open: string, escaped: string, close: string) => {
    const text = unescapeHtml(escaped).substring(0, PREVIEW_MAX_LENGTH);
    const padding =
      text.length < PREVIEW_MAX_LENGTH
        ? `<div>${PREVIEW_PADDING.repeat(PREVIEW_MAX_LENGTH - text.length)}</div>`
        : '';
    return `${open}${escapeHtml(text)}${padding}${close}`;
  });
}

/** A template whose preview text was cut short may have lost a marker: it is not reusable. */
function previewIntact(html: string): boolean {
  const match = previewBlock.exec(html);
  return !match || unescapeHtml(match[2] ?? '').length < PREVIEW_MAX_LENGTH;
}

function fill(template: Template, strings: string[], numbers: number[]): RenderedEmail | undefined {
  let missing = false;
  const value = (letters: string) => {
    const found = strings[markerIndex(letters)];
    if (found === undefined) missing = true;
    return found ?? '';
  };
  const number = (digits: string) => {
    const found = numbers[Number(digits) - NUMBER_BASE];
    if (found === undefined) missing = true;
    return String(found);
  };
  // Numbers first: a value put in after them may itself look like a marker number, and must
  // then be found by the check below rather than be replaced.
  const numberPattern = /73000000\d\d/g;
  const html = rebuildPreview(
    template.html
      .replace(numberPattern, number)
      .replace(/qz([a-z]+)zq/g, (_, letters: string) => escapeHtml(value(letters))),
  );
  const text = template.text
    .replace(numberPattern, number)
    .replace(/qz([a-z]+)zq/g, (_, letters: string) => asText(value(letters)))
    .replace(/QZ([A-Z]+)ZQ/g, (_, letters: string) => asText(value(letters)).toUpperCase());
  // A marker left over (a value that looks like one), or a marker number a template formatted
  // with separators, means the template cannot be trusted for these props.
  if (missing || /qz[a-z]+zq|7[\s\u00a0.,]?300[\s\u00a0.,]?000/i.test(html + text))
    return undefined;
  return { html, text };
}

/**
 * Renders `Component` with `props` to HTML and text, from a template cached per shape of the
 * props (see above); the result is the same as `renderEmail(createElement(Component, props))`.
 */
export async function renderTemplate<P extends object>(
  Component: (props: P) => ReactElement,
  props: P,
): Promise<RenderedEmail> {
  const { marked, key, strings, numbers } = markProps(props);
  // React refuses javascript: links; a value put into a cached template would not be checked.
  if (strings.some((value) => /^\s*javascript:/i.test(value))) {
    return renderEmail(createElement(Component, props));
  }
  let cache = templates.get(Component);
  if (!cache) {
    cache = new Map();
    templates.set(Component, cache);
  }
  let template = cache.get(key);
  if (!template) {
    const rendered = await renderEmail(createElement(Component, marked as P));
    template = previewIntact(rendered.html) ? rendered : { html: '', text: '' };
    if (cache.size >= MAX_SHAPES_PER_TEMPLATE) cache.delete(cache.keys().next().value ?? '');
    cache.set(key, template);
  }
  const filled = template.html ? fill(template, strings, numbers) : undefined;
  return filled ?? renderEmail(createElement(Component, props));
}
