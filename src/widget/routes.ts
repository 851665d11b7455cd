import { type Context, Hono } from 'hono';
import type { Config } from '../config';
import { widgetScript } from './script';
import { widgetStrings } from './strings';
import { widgetStylesheet } from './style';

/** A short content hash (FNV-1a, 32 bits) for ETags and the stylesheet's version: not security. */
function contentVersion(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/**
 * `/widget.js` and `/widget.css`: the embeddable subscribe form, loaded by host pages on other
 * origins. Both may be read cross-origin (CORS and CORP), carry no cookie, and are revalidated by
 * ETag; the stylesheet's URL holds its version, so that one is cached for a year.
 */
export function widgetAssets(config: Config) {
  const cssVersion = contentVersion(widgetStylesheet);
  const script = widgetScript({
    subscribeUrl: `${config.PUBLIC_BASE_URL}/v1/alerts`,
    stylesheetUrl: `${config.PUBLIC_BASE_URL}/widget.css?v=${cssVersion}`,
    termsUrl: config.TERMS_URL,
    termsVersion: config.TERMS_VERSION,
    strings: widgetStrings(config.PENDING_TTL_HOURS),
  });
  const scriptTag = `"${contentVersion(script)}"`;
  const cssTag = `"${cssVersion}"`;

  const serve = (c: Context, body: string, etag: string, type: string, cacheControl: string) => {
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    c.header('Cache-Control', cacheControl);
    c.header('ETag', etag);
    const known = c.req
      .header('if-none-match')
      ?.split(',')
      .map((tag) => tag.trim());
    if (known?.includes(etag)) return c.body(null, 304);
    return c.body(body, 200, { 'Content-Type': type });
  };

  return new Hono()
    .get('/widget.js', (c) =>
      serve(
        c,
        script,
        scriptTag,
        'text/javascript; charset=utf-8',
        // Host pages load a fixed URL: a short lifetime lets a new version reach them soon.
        'public, max-age=300, stale-while-revalidate=86400',
      ),
    )
    .get('/widget.css', (c) =>
      serve(
        c,
        widgetStylesheet,
        cssTag,
        'text/css; charset=utf-8',
        c.req.query('v') === cssVersion
          ? 'public, max-age=31536000, immutable'
          : 'public, max-age=300',
      ),
    );
}
