import { Heading, Section, Text } from '@react-email/components';
import type { CSSProperties } from 'react';
import { z } from 'zod';
import { AlertLinks } from './_components/actions';
import { frequencies, locales, manageLinksStrings } from './_components/i18n';
import { Layout } from './_components/layout';
import { card, detail, heading, paragraph } from './_components/styles';

// Only web links: these end up in href attributes, where a javascript: URL would be a hole.
const webUrl = z.url({ protocol: /^https?$/ });

const listedAlert = z.object({
  /** The alert's human-readable name, e.g. "Ohjelmistokehittäjä, Helsinki". */
  label: z.string().min(1),
  status: z.enum(['pending', 'active']),
  /**
   * When the alert expires, already formatted in the email's language ("21. helmikuuta 2027").
   * Not shown for a pending alert, which has no expiry of its own until it is confirmed.
   */
  expires: z.string().min(1),
  frequency: z.enum(frequencies),
  manageUrl: webUrl,
  unsubscribeUrl: webUrl,
});

export const manageLinksEmailProps = z.object({
  locale: z.enum(locales),
  /** Every alert of the address; the route sends no email when there is none. */
  alerts: z.array(listedAlert).min(1).max(50),
});

export type ManageLinksEmailProps = z.infer<typeof manageLinksEmailProps>;

export function manageLinksSubject({ locale }: Pick<ManageLinksEmailProps, 'locale'>): string {
  return manageLinksStrings[locale].subject;
}

export default function ManageLinksEmail({ locale, alerts }: ManageLinksEmailProps) {
  const t = manageLinksStrings[locale];
  return (
    <Layout locale={locale} preview={t.preview} footer={t.footer}>
      <Heading as="h1" style={heading}>
        {t.heading}
      </Heading>
      <Text style={paragraph}>{t.intro}</Text>
      {alerts.map((alert) => (
        <Section key={alert.manageUrl} style={card}>
          <Text style={label}>{alert.label}</Text>
          <Text style={detail}>
            {alert.status === 'active' ? t.activeUntil(alert.expires) : t.pending}
          </Text>
          <Text style={detail}>{t.frequencyLine(alert.frequency)}</Text>
          <AlertLinks
            manageUrl={alert.manageUrl}
            manageLabel={t.manageLink}
            unsubscribeUrl={alert.unsubscribeUrl}
            unsubscribeLabel={t.unsubscribeLink}
          />
        </Section>
      ))}
      <Text style={paragraph}>{t.ignore}</Text>
    </Layout>
  );
}

ManageLinksEmail.PreviewProps = {
  locale: 'fi',
  alerts: [
    {
      label: 'Ohjelmistokehittäjä, Helsinki',
      status: 'active',
      expires: '21. helmikuuta 2027',
      frequency: 'daily',
      manageUrl: 'http://localhost:8787/alerts/manage?token=Mq7cT2vLx9Rb4Wn1Ke8sPa',
      unsubscribeUrl: 'http://localhost:8787/alerts/unsubscribe?token=Ub3fZ6hNq1Yd8Gt5Lc2mXe',
    },
    {
      label: 'Sairaanhoitaja, Tampere',
      status: 'active',
      expires: '3. maaliskuuta 2027',
      frequency: 'weekly',
      manageUrl: 'http://localhost:8787/alerts/manage?token=Hs5kW8pDa3Jr0Vy6Qn9tBf',
      unsubscribeUrl: 'http://localhost:8787/alerts/unsubscribe?token=Ry2gE7mCu4Xk1Sz9Pw6dLh',
    },
    {
      label: 'Kesätyö, Oulu',
      status: 'pending',
      expires: '23. marraskuuta 2026',
      frequency: 'immediate',
      manageUrl: 'http://localhost:8787/alerts/manage?token=Tn4bY1sFo8Ci5Ah2Ve7kZr',
      unsubscribeUrl: 'http://localhost:8787/alerts/unsubscribe?token=Gw9jM3qKe6Lu0Dx4Bt1yNs',
    },
  ],
} satisfies ManageLinksEmailProps;

const label: CSSProperties = {
  ...paragraph,
  margin: '4px 0',
  fontWeight: 700,
  wordBreak: 'break-word',
};
