import { createElement, type ReactElement } from 'react';
import ConfirmationEmail, { confirmationSubject } from '../../emails/confirmation';
import ManageLinksEmail, { manageLinksSubject } from '../../emails/manage-links';
import { renderEmail } from '../../emails/render';
import type { Locale } from '../db/schema';
import type { Deps } from '../deps';
import { formatDate } from '../http/strings';
import { describeError } from '../log';
import { describeCriteria } from './describe';
import type { AlertRow } from './tokens';

type MailDeps = Pick<Deps, 'config' | 'keyring' | 'mailer' | 'log'>;

export function linkTo(deps: Pick<Deps, 'config'>, path: string, token: string): string {
  return `${deps.config.PUBLIC_BASE_URL}${path}?token=${encodeURIComponent(token)}`;
}

/**
 * Renders and sends one email. A transport failure is logged, not thrown: the visitor's answer
 * must not differ by what happened to the email.
 */
async function renderAndSend(
  deps: MailDeps,
  message: { to: string; subject: string; template: string; element: ReactElement },
): Promise<void> {
  try {
    const { html, text } = await renderEmail(message.element);
    const result = await deps.mailer.send({
      idempotencyKey: crypto.randomUUID(),
      emails: [
        { to: message.to, subject: message.subject, html, text, template: message.template },
      ],
    });
    if (!result.ok) {
      deps.log.error('email not sent', { template: message.template, reason: result.reason });
    }
  } catch (error) {
    deps.log.error('email not sent', { template: message.template, ...describeError(error) });
  }
}

/** The double opt-in email, with the confirmation and "this wasn't me" links. */
export async function sendConfirmationEmail(
  deps: MailDeps,
  alert: AlertRow,
  email: string,
): Promise<void> {
  const props = {
    locale: alert.locale,
    label: alert.label,
    criteriaSummary: describeCriteria(alert.criteria, alert.locale),
    frequency: alert.frequency,
    confirmUrl: linkTo(deps, '/alerts/confirm', await deps.keyring.tokenFor(alert.id, 'confirm')),
    notMeUrl: linkTo(deps, '/alerts/not-me', await deps.keyring.tokenFor(alert.id, 'not_me')),
    validHours: deps.config.PENDING_TTL_HOURS,
  };
  await renderAndSend(deps, {
    to: email,
    subject: confirmationSubject(props),
    template: 'confirmation',
    element: createElement(ConfirmationEmail, props),
  });
}

/** One message listing every alert of an address with its manage and unsubscribe links. */
export async function sendManageLinksEmail(
  deps: MailDeps,
  alerts: AlertRow[],
  email: string,
  locale: Locale,
): Promise<void> {
  const props = {
    locale,
    alerts: await Promise.all(
      alerts.map(async (alert) => ({
        label: alert.label,
        status: alert.status,
        expires: formatDate(alert.expiresAt, locale, deps.config.TIMEZONE),
        frequency: alert.frequency,
        manageUrl: linkTo(deps, '/alerts/manage', await deps.keyring.tokenFor(alert.id, 'manage')),
        unsubscribeUrl: linkTo(
          deps,
          '/alerts/unsubscribe',
          await deps.keyring.tokenFor(alert.id, 'unsubscribe'),
        ),
      })),
    ),
  };
  await renderAndSend(deps, {
    to: email,
    subject: manageLinksSubject(props),
    template: 'manage-links',
    element: createElement(ManageLinksEmail, props),
  });
}
