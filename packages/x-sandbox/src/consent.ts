import type { IncomingMessage, ServerResponse } from 'node:http';
import { SandboxError } from './errors.ts';
import { describeSandboxError, formTokens, header, readForm, sameOrigin, validToken } from './html-form.ts';
import { escapeHtml, pageLang, type PageLang } from './page.ts';
import type { XSandbox } from './sandbox.ts';

/**
 * GET /i/oauth2/authorize: the sandbox's stand-in for X's consent screen in the OAuth 2.0 Authorization Code
 * flow with PKCE (contract §2.2). The person picks which sandbox account approves the app; POSTing the form
 * issues a single-use code (30 s) and redirects to `redirect_uri?state=…&code=…`, or `?error=access_denied`
 * when they cancel. Only the sandbox app's own client id is accepted, as X only knows registered apps.
 */

export const CONSENT_PATH = '/i/oauth2/authorize';
const MAX_FORM_BYTES = 16 * 1024;
const MAX_ACCOUNTS = 300;

const TEXTS = {
  en: {
    title: 'Authorize app · X sandbox',
    heading: 'An app wants to access your X account',
    intro: 'This is the built-in X sandbox standing in for x.com. Pick the sandbox account that approves the app.',
    account: 'Account',
    scopes: 'It will be able to',
    authorize: 'Authorize app',
    cancel: 'Cancel',
    redirect: 'You will be sent back to',
    invalid: 'This authorization request is not valid',
    badToken: 'This form has expired or comes from another site. Start again from the app.',
    noAccount: 'Choose an account.',
  },
  fr: {
    title: 'Autoriser l’application · bac à sable X',
    heading: 'Une application demande l’accès à votre compte X',
    intro:
      'Ceci est le bac à sable X intégré, qui tient lieu de x.com. Choisissez le compte du bac à sable qui autorise l’application.',
    account: 'Compte',
    scopes: 'Elle pourra',
    authorize: 'Autoriser l’application',
    cancel: 'Annuler',
    redirect: 'Vous serez renvoyé vers',
    invalid: 'Cette demande d’autorisation n’est pas valide',
    badToken: 'Ce formulaire a expiré ou vient d’un autre site. Recommencez depuis l’application.',
    noAccount: 'Choisissez un compte.',
  },
} as const;

const SCOPE_LABELS: Record<string, { en: string; fr: string }> = {
  'tweet.read': { en: 'read posts', fr: 'lire les publications' },
  'tweet.write': { en: 'post and reply', fr: 'publier et répondre' },
  'users.read': { en: 'read profiles', fr: 'lire les profils' },
  'dm.read': { en: 'read direct messages', fr: 'lire les messages privés' },
  'dm.write': { en: 'send direct messages', fr: 'envoyer des messages privés' },
  'like.write': { en: 'like posts', fr: 'aimer des publications' },
  'media.write': { en: 'upload images', fr: 'envoyer des images' },
  'follows.read': { en: 'see followers', fr: 'voir les abonnés' },
  'offline.access': { en: 'stay connected (refresh token)', fr: 'rester connectée (jeton de rafraîchissement)' },
};

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

const formToken = formTokens();

/** What X checks before showing its consent screen; undefined when the request is acceptable. */
function problem(sandbox: XSandbox, params: URLSearchParams, fromForm: boolean): string | undefined {
  if (!fromForm && params.get('response_type') !== 'code') return 'response_type must be code.';
  if (params.get('client_id') !== sandbox.appCredentials.clientId) return 'Unknown client_id.';
  const redirectUri = params.get('redirect_uri') ?? '';
  try {
    if (!/^https?:$/.test(new URL(redirectUri).protocol)) return 'redirect_uri must be an http(s) URL.';
  } catch {
    return 'redirect_uri must be an http(s) URL.';
  }
  if (!params.get('code_challenge')) return 'code_challenge is required.';
  const method = (params.get('code_challenge_method') ?? 'plain').toUpperCase();
  if (method !== 'S256' && method !== 'PLAIN') return 'code_challenge_method must be S256 or plain.';
  if (!params.get('scope')) return 'scope is required.';
  return undefined;
}

function readRequest(params: URLSearchParams): AuthorizeRequest {
  return {
    clientId: params.get('client_id') ?? '',
    redirectUri: params.get('redirect_uri') ?? '',
    scope: params.get('scope') ?? '',
    state: params.get('state') ?? '',
    codeChallenge: params.get('code_challenge') ?? '',
    codeChallengeMethod: params.get('code_challenge_method') ?? 'plain',
  };
}

/** Serves GET and POST /i/oauth2/authorize; returns false for any other path. */
export function handleConsentPage(
  req: IncomingMessage,
  res: ServerResponse,
  sandbox: XSandbox,
  options: { brandUsername?: string } = {},
): boolean {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://sandbox.local');
  } catch {
    return false;
  }
  if (url.pathname !== CONSENT_PATH) return false;
  const method = req.method ?? 'GET';
  const lang = pageLang(url.searchParams.get('lang'), header(req, 'accept-language'));

  if (method === 'GET' || method === 'HEAD') {
    const invalid = problem(sandbox, url.searchParams, false);
    if (invalid) return sendHtml(res, 400, errorPage(lang, invalid), []);
    const request = readRequest(url.searchParams);
    sendHtml(res, 200, consentPage(sandbox, lang, request, options), [new URL(request.redirectUri).origin]);
    return true;
  }
  if (method !== 'POST') {
    res.writeHead(405, { allow: 'GET, POST', 'content-type': 'text/plain; charset=utf-8' }).end('Method Not Allowed');
    return true;
  }
  readForm(req, MAX_FORM_BYTES)
    .then((form) => {
      const formLang = form.get('lang');
      const l: PageLang = formLang === 'fr' || formLang === 'en' ? formLang : lang;
      if (!sameOrigin(req, true) || !validToken(form.get('token'), formToken(sandbox))) {
        return sendHtml(res, 403, errorPage(l, TEXTS[l].badToken), []);
      }
      const invalid = problem(sandbox, form, true);
      if (invalid) return sendHtml(res, 400, errorPage(l, invalid), []);
      const request = readRequest(form);
      const back = new URL(request.redirectUri);
      if (form.get('decision') === 'cancel') {
        back.searchParams.set('error', 'access_denied');
        if (request.state) back.searchParams.set('state', request.state);
        return redirect(res, back.toString());
      }
      const account = (form.get('account') ?? '').trim();
      if (!account || !sandbox.findUser(account)) return sendHtml(res, 400, errorPage(l, TEXTS[l].noAccount), []);
      const issued = sandbox.authorizeOAuth2({
        user: account,
        clientId: request.clientId,
        redirectUri: request.redirectUri,
        scope: request.scope,
        codeChallenge: request.codeChallenge,
        codeChallengeMethod: request.codeChallengeMethod,
        ...(request.state ? { state: request.state } : {}),
      });
      redirect(res, issued.redirect);
    })
    .catch((err: unknown) => {
      if (err instanceof SandboxError) return sendHtml(res, err.status, errorPage(lang, describeSandboxError(err)), []);
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(String(err));
    });
  return true;
}

/** The form may post here and then be redirected to the app: CSP form-action must allow that origin too. */
function sendHtml(res: ServerResponse, status: number, html: string, formTargets: string[]): true {
  if (res.headersSent) return true;
  const formAction = ["'self'", ...formTargets].join(' ');
  res.writeHead(status, {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(html)),
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
  });
  res.end(html);
  return true;
}

function redirect(res: ServerResponse, location: string): void {
  if (res.headersSent) return;
  res.writeHead(302, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end();
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;background:#f5f8fa;color:#0f1419;margin:0}
main{max-width:460px;margin:48px auto;background:#fff;border:1px solid #e1e8ed;border-radius:16px;padding:28px}
h1{font-size:22px;margin:0 0 8px}p.muted{color:#536471;font-size:14px}label{display:block;font-weight:600;margin:16px 0 6px}
select{width:100%;padding:8px;font-size:15px;border-radius:8px;border:1px solid #cfd9de}ul{padding-left:20px}
.actions{display:flex;gap:12px;margin-top:20px}button{flex:1;padding:10px;border-radius:999px;font-weight:700;font-size:15px;cursor:pointer}
.primary{background:#0f1419;color:#fff;border:0}.secondary{background:#fff;border:1px solid #cfd9de}
.error{color:#b42318}code{word-break:break-all;font-size:13px}`;

function shell(lang: PageLang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function errorPage(lang: PageLang, message: string): string {
  const t = TEXTS[lang];
  return shell(
    lang,
    t.title,
    `<h1>${escapeHtml(t.invalid)}</h1><p class="error" role="alert">${escapeHtml(message)}</p>`,
  );
}

function consentPage(
  sandbox: XSandbox,
  lang: PageLang,
  request: AuthorizeRequest,
  options: { brandUsername?: string },
): string {
  const t = TEXTS[lang];
  const brand = options.brandUsername?.toLowerCase();
  const users = sandbox
    .listUsers()
    .slice()
    .sort((a, b) => {
      const ab = a.username.toLowerCase() === brand ? 0 : 1;
      const bb = b.username.toLowerCase() === brand ? 0 : 1;
      return ab - bb || a.username.localeCompare(b.username);
    })
    .slice(0, MAX_ACCOUNTS);
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const scopes = request.scope
    .split(/[\s+]+/)
    .filter(Boolean)
    .map((s) => `<li>${escapeHtml(SCOPE_LABELS[s]?.[lang] ?? s)} <code>${escapeHtml(s)}</code></li>`)
    .join('');
  const accountOptions = users
    .map((u) => `<option value="${escapeHtml(u.username)}">@${escapeHtml(u.username)} — ${escapeHtml(u.name)}</option>`)
    .join('');
  return shell(
    lang,
    t.title,
    `<h1>${escapeHtml(t.heading)}</h1>
<p class="muted">${escapeHtml(t.intro)}</p>
<form method="post" action="${CONSENT_PATH}">
${hidden('token', formToken(sandbox))}${hidden('lang', lang)}${hidden('client_id', request.clientId)}${hidden('redirect_uri', request.redirectUri)}${hidden('scope', request.scope)}${hidden('state', request.state)}${hidden('code_challenge', request.codeChallenge)}${hidden('code_challenge_method', request.codeChallengeMethod)}
<label for="account">${escapeHtml(t.account)}</label>
<select id="account" name="account" required>${accountOptions}</select>
<p><strong>${escapeHtml(t.scopes)}</strong></p><ul>${scopes}</ul>
<p class="muted">${escapeHtml(t.redirect)} <code>${escapeHtml(new URL(request.redirectUri).origin)}</code></p>
<div class="actions"><button class="secondary" type="submit" name="decision" value="cancel" formnovalidate>${escapeHtml(t.cancel)}</button><button class="primary" type="submit" name="decision" value="authorize">${escapeHtml(t.authorize)}</button></div>
</form>`,
  );
}
