import { Heading, Text } from '@react-email/components';
import { z } from 'zod';
import { ActionButton, AlertLinks } from './_components/actions';
import { locales, reminderStrings } from './_components/i18n';
import { Layout } from './_components/layout';
import { heading, paragraph } from './_components/styles';

// Only web links: these end up in href attributes, where a javascript: URL would be a hole.
const webUrl = z.url({ protocol: /^https?$/ });

export const reminderEmailProps = z.object({
  locale: z.enum(locales),
  /** The alert's human-readable name, e.g. "Ohjelmistokehittäjä, Helsinki". */
  label: z.string().min(1),
  /** When the alert expires, already formatted in the email's language. */
  expires: z.string().min(1),
  /** Opens the renew page, which renews on a POST: a scanner opening the link renews nothing. */
  renewUrl: webUrl,
  manageUrl: webUrl,
  unsubscribeUrl: webUrl,
});

export type ReminderEmailProps = z.infer<typeof reminderEmailProps>;

export function reminderSubject({
  locale,
  label,
}: Pick<ReminderEmailProps, 'locale' | 'label'>): string {
  return reminderStrings[locale].subject(label);
}

export default function ReminderEmail({
  locale,
  label,
  expires,
  renewUrl,
  manageUrl,
  unsubscribeUrl,
}: ReminderEmailProps) {
  const t = reminderStrings[locale];
  return (
    <Layout locale={locale} preview={t.preview} footer={t.footer}>
      <Heading as="h1" style={heading}>
        {t.heading}
      </Heading>
      <Text style={paragraph}>{t.endsOn(label, expires)}</Text>
      <Text style={paragraph}>{t.renewBody}</Text>
      <ActionButton href={renewUrl} label={t.renewButton} rawUrlLead={t.rawUrlLead} />
      <Text style={paragraph}>{t.ifNothing}</Text>
      <AlertLinks
        manageUrl={manageUrl}
        manageLabel={t.manageLink}
        unsubscribeUrl={unsubscribeUrl}
        unsubscribeLabel={t.unsubscribeLink}
      />
    </Layout>
  );
}

ReminderEmail.PreviewProps = {
  locale: 'fi',
  label: 'Ohjelmistokehittäjä, Helsinki',
  expires: '21. helmikuuta 2027',
  renewUrl: 'http://localhost:8787/alerts/renew?token=Rn8vK3xPq5Wt2Lm7Hc9sDa',
  manageUrl: 'http://localhost:8787/alerts/manage?token=Mq7cT2vLx9Rb4Wn1Ke8sPa',
  unsubscribeUrl: 'http://localhost:8787/alerts/unsubscribe?token=Ub3fZ6hNq1Yd8Gt5Lc2mXe',
} satisfies ReminderEmailProps;
