import { Button, Link, Section, Text } from '@react-email/components';
import { button, buttonSection, link, linkLine, rawUrl, smallParagraph } from './styles';

/**
 * The email's main action: a button, and its address spelled out for clients that hide buttons.
 * The plain-text part already shows the URL beside the button text, so the spelled-out address
 * is left out of it.
 */
export function ActionButton(props: { href: string; label: string; rawUrlLead: string }) {
  return (
    <>
      <Section style={buttonSection}>
        <Button href={props.href} style={button}>
          {props.label}
        </Button>
      </Section>
      <Section data-skip-in-text={true}>
        <Text style={smallParagraph}>{props.rawUrlLead}</Text>
        <Text style={rawUrl}>
          <Link href={props.href} style={link}>
            {props.href}
          </Link>
        </Text>
      </Section>
    </>
  );
}

/** The manage and unsubscribe links every alert email carries, one per line (easy to tap). */
export function AlertLinks(props: {
  manageUrl: string;
  manageLabel: string;
  unsubscribeUrl: string;
  unsubscribeLabel: string;
}) {
  return (
    <>
      <Text style={linkLine}>
        <Link href={props.manageUrl} style={link}>
          {props.manageLabel}
        </Link>
      </Text>
      <Text style={linkLine}>
        <Link href={props.unsubscribeUrl} style={link}>
          {props.unsubscribeLabel}
        </Link>
      </Text>
    </>
  );
}
