import { confirmationSubject } from '../../emails/confirmation';
import { manageLinksSubject } from '../../emails/manage-links';
import { reminderSubject } from '../../emails/reminder';
import type { Locale } from '../db/schema';
import type { QueuedEmail } from '../delivery/outbox';
import type { Deps } from '../deps';
import { formatDate } from '../http/strings';
import { describeCriteria } from './describe';
import type { AlertRow } from './tokens';

type ComposeDeps = Pick<Deps, 'config' | 'keyring'>;

export function linkTo(deps: Pick<Deps, 'config'>, path: string, token: string): string {
  return `${deps.config.PUBLIC_BASE_URL}${path}?token=${encodeURIComponent(token)}`;
}

/**
 * The double opt-in email, with the confirmation and "this wasn't me" links, and the manage and
 * unsubscribe links that every email about an alert carries.
 */
export async function composeConfirmationEmail(
  deps: ComposeDeps,
  alert: AlertRow,
  email: string,
): Promise<QueuedEmail> {
  const props = {
    locale: alert.locale,
    label: alert.label,
    criteriaSummary: describeCriteria(alert.criteria, alert.locale),
    frequency: alert.frequency,
    confirmUrl: linkTo(deps, '/alerts/confirm', await deps.keyring.tokenFor(alert.id, 'confirm')),
    notMeUrl: linkTo(deps, '/alerts/not-me', await deps.keyring.tokenFor(alert.id, 'not_me')),
    validHours: deps.config.PENDING_TTL_HOURS,
    manageUrl: linkTo(deps, '/alerts/manage', await deps.keyring.tokenFor(alert.id, 'manage')),
    unsubscribeUrl: linkTo(
      deps,
      '/alerts/unsubscribe',
      await deps.keyring.tokenFor(alert.id, 'unsubscribe'),
    ),
  };
  return {
    to: email,
    subject: confirmationSubject(props),
    template: 'confirmation',
    alertId: alert.id,
    props,
  };
}

/** One message listing every alert of an address with its manage and unsubscribe links. */
export async function composeManageLinksEmail(
  deps: ComposeDeps,
  alerts: AlertRow[],
  email: string,
  locale: Locale,
): Promise<QueuedEmail> {
  const props = {
    locale,
    alerts: await Promise.all(
      alerts.map(async (alert) => {
        const { manageUrl, unsubscribeUrl } = await alertLinks(deps, alert);
        return {
          label: alert.label,
          status: alert.status,
          expires: formatDate(alert.expiresAt, locale, deps.config.TIMEZONE),
          frequency: alert.frequency,
          manageUrl,
          unsubscribeUrl,
        };
      }),
    ),
  };
  return {
    to: email,
    subject: manageLinksSubject(props),
    template: 'manage-links',
    listedAlertIds: alerts.map((alert) => alert.id),
    props,
  };
}

/**
 * The links every alert email carries, and the RFC 8058 headers that let mail clients offer a
 * one-click unsubscribe (SPEC.md §2 "Unsubscribe").
 */
export async function alertLinks(deps: ComposeDeps, alert: AlertRow) {
  const manageToken = await deps.keyring.tokenFor(alert.id, 'manage');
  const unsubscribeUrl = linkTo(
    deps,
    '/alerts/unsubscribe',
    await deps.keyring.tokenFor(alert.id, 'unsubscribe'),
  );
  return {
    manageUrl: linkTo(deps, '/alerts/manage', manageToken),
    renewUrl: linkTo(deps, '/alerts/renew', manageToken),
    unsubscribeUrl,
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** The expiry reminder, seven days before the end, with its renew button. */
export async function composeReminderEmail(
  deps: ComposeDeps,
  alert: AlertRow,
  email: string,
): Promise<QueuedEmail> {
  const { headers, ...links } = await alertLinks(deps, alert);
  const props = {
    locale: alert.locale,
    label: alert.label,
    expires: formatDate(alert.expiresAt, alert.locale, deps.config.TIMEZONE),
    ...links,
  };
  return {
    to: email,
    subject: reminderSubject(props),
    template: 'reminder',
    alertId: alert.id,
    headers,
    props,
  };
}
