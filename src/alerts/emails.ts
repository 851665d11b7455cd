import { createElement } from 'react';
import ConfirmationEmail, { confirmationSubject } from '../../emails/confirmation';
import { renderEmail } from '../../emails/render';
import type { Deps } from '../deps';
import { describeError } from '../log';
import { describeCriteria } from './describe';
import type { AlertRow } from './tokens';

export function linkTo(deps: Pick<Deps, 'config'>, path: string, token: string): string {
  return `${deps.config.PUBLIC_BASE_URL}${path}?token=${encodeURIComponent(token)}`;
}

/**
 * Renders and sends the double opt-in email. A transport failure is logged, not thrown: the
 * visitor's answer must not differ by what happened to the email.
 */
export async function sendConfirmationEmail(
  deps: Pick<Deps, 'config' | 'keyring' | 'mailer' | 'log'>,
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
  try {
    const { html, text } = await renderEmail(createElement(ConfirmationEmail, props));
    await deps.mailer.send({
      to: email,
      subject: confirmationSubject(props),
      html,
      text,
      template: 'confirmation',
    });
  } catch (error) {
    deps.log.error('confirmation email not sent', {
      template: 'confirmation',
      ...describeError(error),
    });
  }
}
