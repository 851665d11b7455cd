import { Body, Container, Head, Hr, Html, Preview, Section, Text } from '@react-email/components';
import type { CSSProperties, ReactNode } from 'react';
import { type Locale, serviceName } from './i18n';

export type LayoutProps = {
  locale: Locale;
  /** Inbox preview line; plain text only. */
  preview: string;
  /** Why the recipient got this email. */
  footer: string;
  children: ReactNode;
};

export const colors = {
  text: '#1a1a1a',
  muted: '#4a4a4a',
  accent: '#0b5cad',
  border: '#d4d4d8',
  background: '#f4f4f5',
  surface: '#ffffff',
} as const;

export const fontFamily =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

export function Layout({ locale, preview, footer, children }: LayoutProps) {
  return (
    <Html lang={locale}>
      <Head>
        {/* phones show the 600 px column at their own width instead of zoomed out */}
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </Head>
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Section style={header}>
            <Text style={brand}>{serviceName[locale]}</Text>
          </Section>
          <Section style={content}>{children}</Section>
          <Hr style={rule} />
          <Text style={footerText}>{footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}

const body: CSSProperties = {
  margin: 0,
  padding: '16px 8px',
  backgroundColor: colors.background,
  color: colors.text,
  fontFamily,
};

const container: CSSProperties = {
  width: '100%',
  maxWidth: '600px',
  backgroundColor: colors.surface,
  border: `1px solid ${colors.border}`,
  borderRadius: '8px',
};

const header: CSSProperties = {
  padding: '16px 24px',
  borderBottom: `3px solid ${colors.accent}`,
};

const brand: CSSProperties = {
  margin: 0,
  fontSize: '18px',
  lineHeight: '24px',
  fontWeight: 700,
  color: colors.accent,
};

const content: CSSProperties = {
  padding: '8px 24px 0',
};

const rule: CSSProperties = {
  margin: '16px 24px 0',
  width: 'auto',
  borderColor: colors.border,
};

const footerText: CSSProperties = {
  margin: 0,
  padding: '12px 24px 20px',
  fontSize: '13px',
  lineHeight: '20px',
  color: colors.muted,
};
