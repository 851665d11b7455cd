import type { CSSProperties } from 'react';
import { colors } from './layout';

/*
 * Styles the templates share. A template keeps its own style where its values differ (digest's
 * heading and button section, for one); key order matters, since it is the order of the inline CSS.
 */

export const heading: CSSProperties = {
  margin: '16px 0 8px',
  fontSize: '24px',
  lineHeight: '32px',
  fontWeight: 700,
  color: colors.text,
};

export const paragraph: CSSProperties = {
  margin: '12px 0',
  fontSize: '16px',
  lineHeight: '24px',
  color: colors.text,
};

export const smallParagraph: CSSProperties = {
  ...paragraph,
  margin: '12px 0 4px',
  fontSize: '14px',
  lineHeight: '20px',
};

/** A shaded box around one item of a list: an alert, a posting. */
export const card: CSSProperties = {
  margin: '12px 0',
  padding: '8px 16px',
  backgroundColor: colors.background,
  borderRadius: '6px',
};

export const detail: CSSProperties = {
  ...paragraph,
  margin: '0',
  fontSize: '14px',
  lineHeight: '20px',
  color: colors.muted,
};

export const buttonSection: CSSProperties = {
  margin: '24px 0 8px',
};

export const button: CSSProperties = {
  display: 'inline-block',
  padding: '14px 24px',
  backgroundColor: colors.accent,
  borderRadius: '6px',
  color: '#ffffff',
  fontSize: '16px',
  lineHeight: '20px',
  fontWeight: 700,
  textDecoration: 'none',
};

/** The button's URL spelled out under it, for clients that show no button. */
export const rawUrl: CSSProperties = {
  ...paragraph,
  margin: '0 0 12px',
  fontSize: '14px',
  lineHeight: '20px',
  wordBreak: 'break-all',
};

/** A paragraph holding a single link, one link a line. */
export const linkLine: CSSProperties = {
  ...paragraph,
  margin: '8px 0 4px',
};

export const link: CSSProperties = {
  color: colors.accent,
  textDecoration: 'underline',
};
