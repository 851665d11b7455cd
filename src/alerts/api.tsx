/** @jsxImportSource hono/jsx */
import { type Context, Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { locales } from '../db/schema';
import type { Deps } from '../deps';
import { detailsFromIssues, invalidInput, unauthorized } from '../errors';
import { afterResponse } from '../http/after-response';
import { type Fields, firstField, readBody, wantsHtml } from '../http/body';
import { clientIp } from '../http/client-ip';
import { Page } from '../http/layout';
import { pageStrings } from '../http/strings';
import { subscribeBodyFromForm } from './form';
import { ignoreNotFound, pagePath } from './http';
import {
  alertSettings,
  alertView,
  deleteAlert,
  exportAlert,
  findManagedAlert,
  renewAlert,
  updateAlertSettings,
} from './manage';
import { queueManageLinks } from './manage-links';
import { manageLinkRequest, subscribeRequest, tokenSchema } from './schemas';
import { admitClient, subscribeAlert } from './service';

/** The same answer for every accepted request, known address or not (no enumeration). */
export const ACCEPTED = {
  status: 'accepted',
  message: 'If the address can receive email, a message is on its way to it.',
} as const;

/**
 * `/v1/alerts`: subscribing and asking for manage links (JSON, or form posts from plain HTML
 * forms), and the JSON API for host pages that manage an alert with its manage token.
 */
export function alertsApi(deps: Deps) {
  const { config } = deps;

  const parse = <T extends z.ZodType>(schema: T, raw: unknown, what: string): z.output<T> => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw invalidInput(`The ${what} is not valid.`, detailsFromIssues(parsed.error.issues));
    }
    return parsed.data;
  };

  /**
   * A subscribe or manage-link body, or undefined for an invalid one whose hidden honeypot field
   * is filled: a bot is answered 202 like a valid request, whatever else it sent (SPEC.md §5),
   * and nothing of it is stored or sent. A valid body with the honeypot filled goes on to be
   * ignored further in, so that its answer is exactly a person's.
   */
  const parseUnlessHoneypot = <T extends z.ZodType>(
    schema: T,
    raw: unknown,
    what: string,
  ): z.output<T> | undefined => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const honeypot = z.object({ website: z.string().min(1) }).safeParse(raw);
    if (honeypot.success) return undefined;
    throw invalidInput(`The ${what} is not valid.`, detailsFromIssues(parsed.error.issues));
  };

  /** 202: JSON, or for a browser's form the "check your inbox" page saying what was sent. */
  const accepted = (
    c: Context,
    form: boolean,
    locale: keyof typeof pageStrings,
    sent: 'confirmation' | 'manage-links',
    searchUrl?: string,
  ) => {
    if (!form || !wantsHtml(c)) return c.json(ACCEPTED, 202);
    const t = pageStrings[locale];
    const lead =
      sent === 'confirmation' ? t.checkInboxLead(config.PENDING_TTL_HOURS) : t.manageLinksSentLead;
    return c.html(
      <Page locale={locale} title={t.checkInboxTitle} path={pagePath(c)}>
        <p role="status">{lead}</p>
        {searchUrl && (
          <p>
            <a href={searchUrl}>{t.backToSearch}</a>
          </p>
        )}
      </Page>,
      202,
    );
  };

  /** A form's own language answers it, its error pages included. */
  const rememberFormLocale = (c: Context, fields: Fields) => {
    const locale = z.enum(locales).safeParse(firstField(fields, 'locale'));
    if (locale.success) c.set('formLocale', locale.data);
  };

  const readSubscription = async (c: Context) => {
    const body = await readBody(c);
    if (body.kind === 'form') rememberFormLocale(c, body.fields);
    const raw = body.kind === 'json' ? body.value : subscribeBodyFromForm(body.fields);
    return {
      form: body.kind === 'form',
      input: parseUnlessHoneypot(subscribeRequest, raw, 'subscription'),
    };
  };

  const admit = (c: Context) =>
    admitClient({ deps, ip: clientIp(c, config.TRUST_PROXY), now: deps.clock.now() });

  const bearer = (c: Context): string => {
    const header = c.req.header('authorization') ?? '';
    const parsed = tokenSchema.safeParse(header.match(/^Bearer\s+(\S+)$/i)?.[1]);
    if (!parsed.success) {
      c.header('WWW-Authenticate', 'Bearer');
      throw unauthorized('Send the manage token as Authorization: Bearer <token>.');
    }
    return parsed.data;
  };

  const managed = async (c: Context) => {
    const token = bearer(c);
    const alert = await findManagedAlert({ deps, token, now: deps.clock.now() }).catch(
      ignoreNotFound,
    );
    if (!alert) throw unknownToken(c);
    return { token, alert };
  };

  return new Hono()
    .use('/current/*', noStore)
    .use('/current', noStore)
    .post('/', async (c) => {
      // Every request counts against its client's limit: one that cannot be read is counted
      // here, a valid one in the transaction that stores it.
      const { form, input } = await readSubscription(c).catch(async (error: unknown) => {
        await admit(c);
        throw error;
      });
      if (!input) {
        await admit(c);
        return accepted(c, form, c.get('formLocale') ?? 'fi', 'confirmation');
      }
      const ip = clientIp(c, config.TRUST_PROXY);
      const handOver = await subscribeAlert({ deps, input, ip, now: deps.clock.now() });
      afterResponse(c, deps.log, handOver);
      return accepted(c, form, input.locale, 'confirmation', input.searchUrl);
    })
    .post('/manage-link', async (c) => {
      // Every request counts against its client's limit, after its form's language is known:
      // a refusal answers in it.
      const body = await readBody(c).catch(async (error: unknown) => {
        await admit(c);
        throw error;
      });
      if (body.kind === 'form') rememberFormLocale(c, body.fields);
      await admit(c);
      const raw =
        body.kind === 'json'
          ? body.value
          : {
              email: firstField(body.fields, 'email'),
              locale: firstField(body.fields, 'locale') || undefined,
              website: firstField(body.fields, 'website') || undefined,
            };
      const input = parseUnlessHoneypot(manageLinkRequest, raw, 'request');
      if (input && !input.website) {
        const handOver = await queueManageLinks({
          deps,
          email: input.email,
          locale: input.locale,
          now: deps.clock.now(),
        });
        afterResponse(c, deps.log, handOver);
      }
      return accepted(
        c,
        body.kind === 'form',
        input?.locale ?? c.get('formLocale') ?? 'fi',
        'manage-links',
      );
    })
    .get('/current', async (c) => {
      const { alert } = await managed(c);
      return c.json({ alert: alertView(alert, deps.clock.now()) });
    })
    .patch('/current', async (c) => {
      // An unknown token is told so whatever the body: 401 before any 415 or 422.
      const { token } = await managed(c);
      const body = await readBody(c);
      const settings = parse(
        alertSettings,
        body.kind === 'json' ? body.value : body.fields,
        'change',
      );
      const alert = await updateAlertSettings({
        deps,
        token,
        settings,
        now: deps.clock.now(),
      }).catch(ignoreNotFound);
      if (!alert) throw unknownToken(c);
      return c.json({ alert: alertView(alert, deps.clock.now()) });
    })
    .post('/current/renew', async (c) => {
      const token = bearer(c);
      const now = deps.clock.now();
      const alert = await renewAlert({ deps, token, now }).catch(ignoreNotFound);
      if (!alert) throw unknownToken(c);
      return c.json({ alert: alertView(alert, now) });
    })
    .get('/current/export', async (c) => {
      const { alert } = await managed(c);
      return c.json(await exportAlert({ deps, alert, now: deps.clock.now() }));
    })
    .delete('/current', async (c) => {
      const token = bearer(c);
      const { deleted } = await deleteAlert({ deps, token, purpose: 'manage' });
      if (!deleted) throw unknownToken(c);
      return c.json({ deleted: true });
    });
}

/**
 * What the alert API answers holds what someone looks for (and the export their address): no
 * cache along the way may keep it.
 */
const noStore = createMiddleware(async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
});

function unknownToken(c: Context) {
  c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
  return unauthorized('The manage token names no alert; the alert may have been deleted.');
}
