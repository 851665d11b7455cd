import type { ReactElement } from 'react';
import ConfirmationEmail from './confirmation';
import DigestEmail from './digest';
import ManageLinksEmail from './manage-links';
import ReminderEmail from './reminder';
import { type RenderedEmail, renderTemplate } from './render';

/** Every email the service sends, by the template name its outbox rows carry. */
export const emailTemplates = {
  confirmation: ConfirmationEmail,
  digest: DigestEmail,
  'manage-links': ManageLinksEmail,
  reminder: ReminderEmail,
};

export type TemplateName = keyof typeof emailTemplates;
export type TemplateProps<T extends TemplateName> = Parameters<(typeof emailTemplates)[T]>[0];

/** Renders the template named `template` with `props` (cached per shape, see render.ts). */
export function renderNamed<T extends TemplateName>(
  template: T,
  props: TemplateProps<T>,
): Promise<RenderedEmail> {
  const Component = emailTemplates[template] as (props: TemplateProps<T>) => ReactElement;
  return renderTemplate(Component, props);
}
