import { render, toPlainText } from '@react-email/components';
import type { ReactElement } from 'react';

export type RenderedEmail = { html: string; text: string };

/**
 * Renders one email element to its HTML and plain-text parts. The text is converted from the
 * HTML already rendered (the same result as a second render with `plainText`, at half the cost).
 */
export async function renderEmail(element: ReactElement): Promise<RenderedEmail> {
  const html = await render(element);
  return { html, text: toPlainText(html) };
}
