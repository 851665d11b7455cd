import { Heading, Link, Section, Text } from '@react-email/components';
import type { CSSProperties } from 'react';
import { z } from 'zod';
import { ActionButton, AlertLinks } from './_components/actions';
import { confirmationStrings, frequencies, locales } from './_components/i18n';
import { colors, Layout } from './_components/layout';
import { heading, link, paragraph } from './_components/styles';

// Only web links: these end up in href attributes, where a javascript: URL would be a hole.
const webUrl = z.url({ protocol: /^https?$/ });

export const confirmationEmailProps = z.object({
  locale: z.enum(locales),
  /** The alert's human-readable name, e.g. "Ohjelmistokehittäjä, Helsinki". */
  label: z.string().min(1),
  /** One line per facet, already in words and in the email's language; may be empty. */
  criteriaSummary: z.array(z.string()),
  frequency: z.enum(frequencies),
  confirmUrl: webUrl,
  /** Opens the "this wasn't me" page, which deletes the request on a POST. */
  notMeUrl: webUrl,
  /** How long confirmUrl stays valid. */
  validHours: z.number().int().positive(),
  /**
   * The links every email about an alert carries (SPEC §4), a pending one's too. Optional: a
   * confirmation queued before they were added is still sent, without them.
   */
  manageUrl: webUrl.optional(),
  unsubscribeUrl: webUrl.optional(),
});

export type ConfirmationEmailProps = z.infer<typeof confirmationEmailProps>;

export function confirmationSubject({
  locale,
  label,
}: Pick<ConfirmationEmailProps, 'locale' | 'label'>): string {
  return confirmationStrings[locale].subject(label);
}

export default function ConfirmationEmail({
  locale,
  label,
  criteriaSummary,
  frequency,
  confirmUrl,
  notMeUrl,
  validHours,
  manageUrl,
  unsubscribeUrl,
}: ConfirmationEmailProps) {
  const t = confirmationStrings[locale];
  return (
    <Layout locale={locale} preview={t.preview} footer={t.footer}>
      <Heading as="h1" style={heading}>
        {t.heading}
      </Heading>
      <Text style={paragraph}>{t.intro(label, t.frequency[frequency])}</Text>
      {criteriaSummary.length > 0 && (
        <Section style={criteria}>
          <Text style={criteriaHeading}>{t.criteriaHeading}</Text>
          {criteriaSummary.map((line) => (
            <Text key={line} style={criterion}>
              • {line}
            </Text>
          ))}
        </Section>
      )}
      <ActionButton href={confirmUrl} label={t.button} rawUrlLead={t.rawUrlLead} />
      <Text style={paragraph}>{t.validity(validHours)}</Text>
      <Heading as="h2" style={subheading}>
        {t.notMeHeading}
      </Heading>
      <Text style={paragraph}>{t.notMeBody}</Text>
      <Text style={paragraph}>
        <Link href={notMeUrl} style={link}>
          {t.notMeLink}
        </Link>
      </Text>
      {manageUrl && unsubscribeUrl && (
        <AlertLinks
          manageUrl={manageUrl}
          manageLabel={t.manageLink}
          unsubscribeUrl={unsubscribeUrl}
          unsubscribeLabel={t.unsubscribeLink}
        />
      )}
    </Layout>
  );
}

ConfirmationEmail.PreviewProps = {
  locale: 'fi',
  label: 'Ohjelmistokehittäjä, Helsinki',
  criteriaSummary: ['Hakusanat: ohjelmistokehittäjä', 'Kunta: Helsinki', 'Työsuhde: vakituinen'],
  frequency: 'daily',
  confirmUrl: 'http://localhost:8787/alerts/confirm?token=Xq3v9Lw2Rk7pT1mZ8sBc4A',
  notMeUrl: 'http://localhost:8787/alerts/not-me?token=Jd5nH8yQe2Wf6uKa0rGt3Q',
  validHours: 48,
  manageUrl: 'http://localhost:8787/alerts/manage?token=Pm4rT7vB1xK9cW2nL6sQ8e',
  unsubscribeUrl: 'http://localhost:8787/alerts/unsubscribe?token=Ux8kD3fR6hN1pV5yM0tZ2w',
} satisfies ConfirmationEmailProps;

const subheading: CSSProperties = {
  margin: '24px 0 0',
  fontSize: '18px',
  lineHeight: '26px',
  fontWeight: 700,
  color: colors.text,
};

const criteria: CSSProperties = {
  margin: '8px 0',
  padding: '8px 16px',
  backgroundColor: colors.background,
  borderRadius: '6px',
};

const criteriaHeading: CSSProperties = {
  ...paragraph,
  margin: '4px 0',
  fontWeight: 700,
};

const criterion: CSSProperties = {
  ...paragraph,
  margin: '4px 0',
};
