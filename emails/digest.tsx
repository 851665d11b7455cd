import { Button, Heading, Link, Section, Text } from '@react-email/components';
import type { CSSProperties } from 'react';
import { z } from 'zod';
import { AlertLinks } from './_components/actions';
import { digestStrings, locales } from './_components/i18n';
import { colors, Layout } from './_components/layout';
import { button, card, detail, link, paragraph } from './_components/styles';

// Only web links: these end up in href attributes, where a javascript: URL would be a hole.
const webUrl = z.url({ protocol: /^https?$/ });

/** At most this many postings per email (SPEC §2); the rest are counted in `moreCount`. */
export const maxPostingsPerDigest = 20;

const digestPosting = z.object({
  title: z.string().min(1),
  employer: z.string().min(1).optional(),
  /** Already in words, e.g. "Helsinki" rather than "091". */
  location: z.string().min(1).optional(),
  /** The job can be done entirely remotely; the email says so beside the location. */
  fullyRemote: z.boolean().optional(),
  /** The application deadline, already formatted in the email's language. */
  deadline: z.string().min(1).optional(),
  url: webUrl,
  /** Why the posting matched, in words and in the email's language, e.g. "hakusana: kehittäjä". */
  reasons: z.array(z.string().min(1)),
});

export const digestEmailProps = z
  .object({
    locale: z.enum(locales),
    /** The alert's human-readable name, e.g. "Ohjelmistokehittäjä, Helsinki". */
    label: z.string().min(1),
    /** New postings in all, including those not shown. */
    total: z.number().int().positive(),
    /** Newest first, as they are shown. */
    postings: z.array(digestPosting).min(1).max(maxPostingsPerDigest),
    /** total − postings shown. */
    moreCount: z.number().int().nonnegative(),
    /**
     * The alert's search on the job board, where the postings not shown can be found; without
     * it they are left for the next digest, and the line says so.
     */
    searchUrl: webUrl.optional(),
    /** When the alert expires, already formatted in the email's language. */
    expires: z.string().min(1),
    /** Given only when the alert is close enough to its end to be renewed (< 14 days). */
    renewUrl: webUrl.optional(),
    manageUrl: webUrl,
    unsubscribeUrl: webUrl,
  })
  .refine(({ total, postings, moreCount }) => total === postings.length + moreCount, {
    message: 'total must equal the postings shown plus moreCount',
    path: ['moreCount'],
  });

export type DigestEmailProps = z.infer<typeof digestEmailProps>;

export type DigestPosting = DigestEmailProps['postings'][number];

export function digestSubject({
  locale,
  label,
  total,
}: Pick<DigestEmailProps, 'locale' | 'label' | 'total'>): string {
  return digestStrings[locale].subject(total, label);
}

export default function DigestEmail({
  locale,
  label,
  total,
  postings,
  moreCount,
  searchUrl,
  expires,
  renewUrl,
  manageUrl,
  unsubscribeUrl,
}: DigestEmailProps) {
  const t = digestStrings[locale];
  return (
    <Layout locale={locale} preview={t.found(total)} footer={t.footer}>
      <Heading as="h1" style={heading}>
        {label}
      </Heading>
      <Text style={paragraph}>{t.found(total)}</Text>
      {postings.map((posting) => (
        <Section key={posting.url} style={card}>
          <Text style={postingTitle}>
            <Link href={posting.url} style={link}>
              {posting.title}
            </Link>
          </Text>
          {(posting.employer || posting.location || posting.fullyRemote) && (
            <Text style={detail}>
              {[posting.employer, posting.location, posting.fullyRemote && t.fullyRemote]
                .filter(Boolean)
                .join(' · ')}
            </Text>
          )}
          {posting.deadline && <Text style={detail}>{t.deadline(posting.deadline)}</Text>}
          {posting.reasons.length > 0 && <Text style={reasons}>{t.why(posting.reasons)}</Text>}
        </Section>
      ))}
      {moreCount > 0 && (
        <Text style={paragraph}>
          {searchUrl ? (
            <Link href={searchUrl} style={link}>
              {t.more(moreCount)}
            </Link>
          ) : (
            t.moreNext(moreCount)
          )}
        </Text>
      )}
      <Section style={expirySection}>
        <Text style={paragraph}>{renewUrl ? t.endsSoon(expires) : t.validUntil(expires)}</Text>
        {renewUrl && (
          <Section style={buttonSection}>
            <Button href={renewUrl} style={button}>
              {t.renewButton}
            </Button>
          </Section>
        )}
        <AlertLinks
          manageUrl={manageUrl}
          manageLabel={t.manageLink}
          unsubscribeUrl={unsubscribeUrl}
          unsubscribeLabel={t.unsubscribeLink}
        />
      </Section>
    </Layout>
  );
}

DigestEmail.PreviewProps = {
  locale: 'fi',
  label: 'Ohjelmistokehittäjä, Helsinki',
  total: 3,
  postings: [
    {
      title: 'Ohjelmistokehittäjä, Java',
      employer: 'Helsingin kaupunki',
      location: 'Helsinki',
      deadline: '15. joulukuuta 2026',
      url: 'https://jobs.example.org/tyopaikat/1204871',
      reasons: ['hakusana: ohjelmistokehittäjä', 'kunta: Helsinki'],
    },
    {
      title: 'Full stack -ohjelmistokehittäjä (TypeScript, React)',
      employer: 'Digia Oyj',
      location: 'Helsinki, Tampere',
      fullyRemote: true,
      deadline: '8. joulukuuta 2026',
      url: 'https://jobs.example.org/tyopaikat/1204655',
      reasons: ['hakusana: ohjelmistokehittäjä', 'kunta: Helsinki'],
    },
    {
      title: 'Junior-ohjelmistokehittäjä, mobiilisovellukset',
      employer: 'HUS Tietohallinto',
      location: 'Helsinki',
      url: 'https://jobs.example.org/tyopaikat/1204302',
      reasons: ['hakusana: ohjelmistokehittäjä', 'kunta: Helsinki'],
    },
  ],
  moreCount: 0,
  searchUrl: 'https://jobs.example.org/haku?q=ohjelmistokehittaja&kunta=091',
  expires: '21. helmikuuta 2027',
  manageUrl: 'http://localhost:8787/alerts/manage?token=Mq7cT2vLx9Rb4Wn1Ke8sPa',
  unsubscribeUrl: 'http://localhost:8787/alerts/unsubscribe?token=Ub3fZ6hNq1Yd8Gt5Lc2mXe',
} satisfies DigestEmailProps;

const heading: CSSProperties = {
  margin: '16px 0 8px',
  fontSize: '24px',
  lineHeight: '32px',
  fontWeight: 700,
  color: colors.text,
  wordBreak: 'break-word',
};

const postingTitle: CSSProperties = {
  ...paragraph,
  margin: '4px 0',
  fontSize: '17px',
  fontWeight: 700,
  wordBreak: 'break-word',
};

const reasons: CSSProperties = {
  ...detail,
  margin: '4px 0',
  fontSize: '13px',
  fontStyle: 'italic',
};

const expirySection: CSSProperties = {
  margin: '24px 0 0',
  borderTop: `1px solid ${colors.border}`,
};

const buttonSection: CSSProperties = {
  margin: '8px 0 16px',
};
