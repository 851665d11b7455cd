import type { ConsoleMessage, Page } from 'playwright-core';

/*
 * Code run inside the page is passed as text: functions compiled by the test runner may carry
 * helpers (such as esbuild's __name) that do not exist in the browser.
 */

export interface Focused {
  tag: string;
  name: string | null;
  type: string | null;
  text: string;
  role: string | null;
}

/** The element that has the keyboard focus, looking inside shadow roots. */
export function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(`(() => {
    let element = document.activeElement;
    while (element && element.shadowRoot && element.shadowRoot.activeElement) {
      element = element.shadowRoot.activeElement;
    }
    if (!element || element === document.body) return null;
    return {
      tag: element.tagName.toLowerCase(),
      name: element.getAttribute('name'),
      type: element.getAttribute('type'),
      text: (element.textContent || '').trim(),
      role: element.getAttribute('role'),
    };
  })()`);
}

/** Presses Tab until `matches` holds for the focused element; fails after `limit` presses. */
export async function tabTo(page: Page, matches: (element: Focused) => boolean, limit = 12) {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    const element = await focused(page);
    if (element && matches(element)) return element;
  }
  throw new Error(`no matching element within ${limit} presses of Tab`);
}

/**
 * Records what the browser reports as wrong on every page of a context: CSP refusals and other
 * console errors, and uncaught exceptions.
 */
export function watchProblems(page: Page, problems: string[]) {
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) {
      problems.push(`${page.url()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
}

/** A computed style property of the first element matching `selector` inside the widget. */
export function widgetStyle(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate(`(() => {
    const root = document.querySelector('job-alert-form').shadowRoot;
    return getComputedStyle(root.querySelector(${JSON.stringify(selector)}))
      .getPropertyValue(${JSON.stringify(property)});
  })()`);
}
