import type { FastifyHelmetOptions } from '@fastify/helmet';

/** Where X serves profile pictures (pbs; abs for the default ones) and media (video). */
const X_MEDIA_HOSTS = ['https://pbs.twimg.com', 'https://abs.twimg.com', 'https://video.twimg.com'];

/**
 * Security headers on every answer (helmet). The Content-Security-Policy is written for the web app: its
 * own scripts only, no plugins, no framing (clickjacking), no <base> games, forms post to the desk only.
 * `style-src` keeps 'unsafe-inline' because Mantine sets styles through `style` attributes and injected
 * <style> elements; scripts, the dangerous half, get no such allowance.
 *
 * Referrer-Policy is `same-origin`, not `no-referrer`: under `no-referrer` browsers send `Origin: null` with
 * the app's own POSTs, and the cross-site request guard could no longer tell them from a forged one. Links
 * out (a customer's profile on X) still carry no referrer.
 */
export function securityHeaders(options: {
  publicUrl: string | undefined;
  cookieSecure: boolean;
  /** Other origins whose pictures and videos the web app shows (the built-in X sandbox's media host). */
  mediaOrigins?: string[] | undefined;
}): FastifyHelmetOptions {
  const media = [...X_MEDIA_HOSTS, ...(options.mediaOrigins ?? [])];
  // 'self' covers the socket on the same host in current browsers; the public URL's ws(s) origin is named too.
  const socketOrigin = options.publicUrl ? options.publicUrl.replace(/^http/, 'ws') : undefined;
  return {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:', ...media],
        'media-src': ["'self'", ...media],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'", ...(socketOrigin ? [socketOrigin] : [])],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        ...(options.cookieSecure ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // HSTS pins browsers to https for months: only when the desk says it is served over https.
    strictTransportSecurity: options.cookieSecure ? { maxAge: 180 * 24 * 60 * 60, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
  };
}
