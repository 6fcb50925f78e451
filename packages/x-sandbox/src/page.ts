import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxTweet, SandboxUser } from './engine.ts';
import { SandboxError } from './errors.ts';
import {
  describeSandboxError,
  BodyTooLargeError,
  formTokens,
  header,
  readForm,
  sameOrigin,
  validToken,
} from './html-form.ts';
import type { XSandbox } from './sandbox.ts';

/**
 * GET /sandbox: a server-rendered page for demos and training on a local machine. It shows the public
 * timeline (threads, newest activity first) and the DMs, and lets a person post or DM as any account through
 * form posts to /sandbox/page/post and /sandbox/page/dm. Every piece of user text is escaped (customer text
 * is hostile); forms carry a per-sandbox token and cross-site posts are refused.
 */

export interface SandboxPageOptions {
  /** The brand account (DM recipient by default); default: the account mentioned most. */
  brandUsername?: string;
}

export type PageLang = 'fr' | 'en';

const TEXTS = {
  en: {
    title: 'X sandbox',
    intro: 'Local fake X for demos and training. Everything here stays on this machine.',
    timeline: 'Public timeline',
    dms: 'Direct messages',
    noPosts: 'No posts yet.',
    noDms: 'No direct messages yet.',
    post: 'Post',
    postAs: 'Post as',
    newAccount: 'or a new account (username)',
    newName: 'display name',
    text: 'Text',
    replyTo: 'In reply to (post id, optional)',
    replyingTo: 'Replying to',
    send: 'Send',
    sendDm: 'Send a DM',
    from: 'From',
    to: 'To',
    reply: 'Reply',
    brand: 'brand',
    verified: 'verified',
    posted: 'Posted.',
    dmSent: 'DM sent.',
    refused: 'Refused',
    badToken: 'This form has expired or comes from another site. Reload the page and try again.',
    missingAccount: 'Choose an account.',
    unknownAccount: 'No such account.',
    replies: 'replies',
    language: 'Français',
    auto: 'Updates every few seconds.',
  },
  fr: {
    title: 'Bac à sable X',
    intro: 'Faux X local pour les démos et la formation. Rien ne sort de cette machine.',
    timeline: 'Fil public',
    dms: 'Messages privés',
    noPosts: 'Aucune publication pour l’instant.',
    noDms: 'Aucun message privé pour l’instant.',
    post: 'Publier',
    postAs: 'Publier en tant que',
    newAccount: 'ou un nouveau compte (identifiant)',
    newName: 'nom affiché',
    text: 'Texte',
    replyTo: 'En réponse à (id de la publication, facultatif)',
    replyingTo: 'En réponse à',
    send: 'Envoyer',
    sendDm: 'Envoyer un message privé',
    from: 'De',
    to: 'À',
    reply: 'Répondre',
    brand: 'marque',
    verified: 'certifié',
    posted: 'Publié.',
    dmSent: 'Message privé envoyé.',
    refused: 'Refusé',
    badToken: 'Ce formulaire a expiré ou vient d’un autre site. Rechargez la page et réessayez.',
    missingAccount: 'Choisissez un compte.',
    unknownAccount: 'Compte introuvable.',
    replies: 'réponses',
    language: 'English',
    auto: 'Mise à jour toutes les quelques secondes.',
  },
} as const;

type Texts = (typeof TEXTS)[PageLang];

const MAX_FORM_BYTES = 64 * 1024;
const MAX_POSTS = 400;
const MAX_DMS = 200;

const formToken = formTokens();

/** HTML-escapes text for element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(
    /[&<>"'`]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!,
  );
}

/** `?lang=` wins; otherwise the first of fr/en in Accept-Language by preference; default English. */
export function pageLang(query: string | null, acceptLanguage: string | undefined): PageLang {
  if (query === 'fr' || query === 'en') return query;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { base: tag.split('-')[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => (x.base === 'fr' || x.base === 'en') && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.base === 'fr' ? 'fr' : 'en';
}

/**
 * Serves GET /sandbox (the page) and POST /sandbox/page/{post,dm}; returns false for any other path so the
 * caller goes on with its own routing. Responds asynchronously for form posts (it reads the body).
 */
export function handleSandboxPage(
  req: IncomingMessage,
  res: ServerResponse,
  sandbox: XSandbox,
  options: SandboxPageOptions = {},
): boolean {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://sandbox.local');
  } catch {
    return false;
  }
  const path = url.pathname;
  const isPage = path === '/sandbox' || path === '/sandbox/';
  const isAction = path.startsWith('/sandbox/page/');
  if (!isPage && !isAction) return false;
  const method = req.method ?? 'GET';
  const lang = pageLang(url.searchParams.get('lang'), header(req, 'accept-language'));

  if (isPage) {
    if (method !== 'GET' && method !== 'HEAD') {
      sendText(res, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });
      return true;
    }
    if (url.searchParams.get('fragment') === 'live') {
      sendHtml(res, 200, renderLive(sandbox, lang), '');
      return true;
    }
    const prefill: Prefill = {
      as: url.searchParams.get('as') ?? '',
      replyTo: url.searchParams.get('reply') ?? '',
      notice: noticeFor(url.searchParams.get('done'), TEXTS[lang]),
    };
    const nonce = randomBytes(12).toString('base64');
    sendHtml(res, 200, renderPage(sandbox, lang, options, prefill, nonce), nonce);
    return true;
  }

  if (method !== 'POST' || (path !== '/sandbox/page/post' && path !== '/sandbox/page/dm')) {
    sendText(res, 404, 'Not Found');
    return true;
  }
  readForm(req, MAX_FORM_BYTES)
    .then((form) => {
      const formLang = form.get('lang');
      const l: PageLang = formLang === 'fr' || formLang === 'en' ? formLang : lang;
      const t = TEXTS[l];
      const prefill: Prefill = {
        as: form.get('as') ?? form.get('from') ?? '',
        replyTo: form.get('reply_to') ?? '',
        text: form.get('text') ?? '',
        dmText: form.get('dm_text') ?? '',
        to: form.get('to') ?? '',
        newUsername: form.get('new_username') ?? '',
        newName: form.get('new_name') ?? '',
      };
      const fail = (status: number, message: string): void => {
        const nonce = randomBytes(12).toString('base64');
        const page = renderPage(sandbox, l, options, { ...prefill, error: message }, nonce);
        sendHtml(res, status, page, nonce);
      };
      if (!sameOrigin(req) || !validToken(form.get('token'), formToken(sandbox))) return fail(403, t.badToken);
      try {
        if (path === '/sandbox/page/post') {
          const author = resolveAuthor(sandbox, form, t);
          const replyTo = (form.get('reply_to') ?? '').trim();
          sandbox.post(author.id, { text: form.get('text') ?? '', ...(replyTo ? { inReplyToTweetId: replyTo } : {}) });
          return redirect(res, `/sandbox?lang=${l}&as=${encodeURIComponent(author.username)}&done=post`);
        }
        const from = sandbox.findUser((form.get('from') ?? '').trim());
        const to = sandbox.findUser((form.get('to') ?? '').trim());
        if (!from || !to) throw new PageError(t.unknownAccount);
        sandbox.sendDm(from.id, to.id, form.get('dm_text') ?? '');
        return redirect(res, `/sandbox?lang=${l}&as=${encodeURIComponent(from.username)}&done=dm`);
      } catch (err) {
        if (err instanceof PageError) return fail(400, err.message);
        if (err instanceof SandboxError)
          return fail(err.status >= 400 && err.status < 500 ? err.status : 400, describeSandboxError(err));
        throw err;
      }
    })
    .catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) return sendText(res, 413, err.message);
      sendText(res, 500, 'Internal Server Error');
    });
  return true;
}

class PageError extends Error {}

interface Prefill {
  as?: string;
  replyTo?: string;
  text?: string;
  dmText?: string;
  to?: string;
  newUsername?: string;
  newName?: string;
  notice?: string;
  error?: string;
}

function noticeFor(done: string | null, t: Texts): string | undefined {
  return done === 'post' ? t.posted : done === 'dm' ? t.dmSent : undefined;
}

function resolveAuthor(sandbox: XSandbox, form: URLSearchParams, t: Texts): SandboxUser {
  const newUsername = (form.get('new_username') ?? '').trim().replace(/^@/, '');
  if (newUsername) {
    const name = (form.get('new_name') ?? '').trim() || newUsername;
    return sandbox.ensureUser({ username: newUsername, name: name.slice(0, 50) }).user;
  }
  const as = (form.get('as') ?? '').trim();
  if (!as) throw new PageError(t.missingAccount);
  const user = sandbox.findUser(as);
  if (!user) throw new PageError(t.unknownAccount);
  return user;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

function sendHtml(res: ServerResponse, status: number, html: string, nonce: string): void {
  if (res.headersSent) return;
  const scripts = nonce ? `'nonce-${nonce}'` : "'none'";
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(html)),
    'content-security-policy': `default-src 'none'; style-src ${scripts}; script-src ${scripts}; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  });
  res.end(html);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function redirect(res: ServerResponse, location: string): void {
  if (res.headersSent) return;
  res.writeHead(303, { ...SECURITY_HEADERS, location });
  res.end();
}

// ---- rendering ------------------------------------------------------------------------------------

function guessBrand(sandbox: XSandbox, options: SandboxPageOptions): SandboxUser | undefined {
  if (options.brandUsername) return sandbox.findUser(options.brandUsername);
  const mentioned = new Map<string, number>();
  for (const t of sandbox.listTweets().slice(0, 500)) {
    for (const m of t.entities.mentions)
      if (m.id && m.id !== t.authorId) mentioned.set(m.id, (mentioned.get(m.id) ?? 0) + 1);
  }
  let best: string | undefined;
  let count = 0;
  for (const [id, n] of mentioned) if (n > count) [best, count] = [id, n];
  return best ? sandbox.findUser(best) : undefined;
}

function formatTime(iso: string, lang: PageLang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    d.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'UTC' }) +
    ' UTC'
  );
}

function userLabel(u: SandboxUser | undefined, fallbackId: string, t: Texts, brandId: string | undefined): string {
  if (!u) return `<span class="who">#${escapeHtml(fallbackId)}</span>`;
  const badges = [
    u.verified ? `<span class="badge" title="${escapeHtml(t.verified)}">✔</span>` : '',
    u.id === brandId ? `<span class="tag">${escapeHtml(t.brand)}</span>` : '',
  ].join('');
  return `<span class="who"><b>${escapeHtml(u.name)}</b> <span class="handle">@${escapeHtml(u.username)}</span>${badges}</span>`;
}

function renderText(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>');
}

function renderTimeline(sandbox: XSandbox, lang: PageLang, brandId: string | undefined): string {
  const t = TEXTS[lang];
  const posts = sandbox.listTweets().slice(0, MAX_POSTS);
  if (posts.length === 0) return `<p class="empty">${escapeHtml(t.noPosts)}</p>`;
  const users = new Map(sandbox.listUsers().map((u) => [u.id, u]));
  const present = new Set(posts.map((p) => p.id));
  const children = new Map<string, SandboxTweet[]>();
  const roots: SandboxTweet[] = [];
  // Oldest first inside a thread, so a conversation reads top to bottom.
  for (const p of [...posts].reverse()) {
    if (p.inReplyToTweetId !== undefined && present.has(p.inReplyToTweetId)) {
      const list = children.get(p.inReplyToTweetId) ?? [];
      list.push(p);
      children.set(p.inReplyToTweetId, list);
    } else roots.push(p);
  }
  const latest = new Map<string, string>();
  const stamp = (p: SandboxTweet, root: string): void => {
    const prev = latest.get(root);
    if (prev === undefined || BigInt(p.id) > BigInt(prev)) latest.set(root, p.id);
    for (const c of children.get(p.id) ?? []) stamp(c, root);
  };
  for (const r of roots) stamp(r, r.id);
  roots.sort((a, b) => (BigInt(latest.get(b.id)!) > BigInt(latest.get(a.id)!) ? 1 : -1));

  const renderPost = (p: SandboxTweet, depth: number): string => {
    const replies = children.get(p.id) ?? [];
    const parentNote =
      p.inReplyToTweetId !== undefined && !present.has(p.inReplyToTweetId)
        ? ` <span class="meta">↪ ${escapeHtml(p.inReplyToTweetId)}</span>`
        : '';
    return (
      `<article class="post d${Math.min(depth, 8)}" id="p${escapeHtml(p.id)}">` +
      `<header>${userLabel(users.get(p.authorId), p.authorId, t, brandId)} ` +
      `<span class="meta">${escapeHtml(formatTime(p.createdAt, lang))} · ${escapeHtml(p.lang)} · ${escapeHtml(p.id)}</span>${parentNote}</header>` +
      `<p class="text">${renderText(p.text)}</p>` +
      `<a class="act" href="/sandbox?lang=${lang}&amp;reply=${encodeURIComponent(p.id)}#compose">${escapeHtml(t.reply)}</a>` +
      `</article>` +
      replies.map((c) => renderPost(c, depth + 1)).join('')
    );
  };
  return roots.map((r) => `<section class="thread">${renderPost(r, 0)}</section>`).join('');
}

function renderDms(sandbox: XSandbox, lang: PageLang, brandId: string | undefined): string {
  const t = TEXTS[lang];
  const events = sandbox.listDmEvents().slice(0, MAX_DMS);
  if (events.length === 0) return `<p class="empty">${escapeHtml(t.noDms)}</p>`;
  const users = new Map(sandbox.listUsers().map((u) => [u.id, u]));
  return (
    '<ul class="dms">' +
    events
      .map(
        (e) =>
          `<li>${userLabel(users.get(e.senderId), e.senderId, t, brandId)} → ${userLabel(users.get(e.recipientId), e.recipientId, t, brandId)} ` +
          `<span class="meta">${escapeHtml(formatTime(e.createdAt, lang))}</span><p class="text">${renderText(e.text)}</p></li>`,
      )
      .join('') +
    '</ul>'
  );
}

function renderLive(sandbox: XSandbox, lang: PageLang, options: SandboxPageOptions = {}): string {
  const t = TEXTS[lang];
  const brandId = guessBrand(sandbox, options)?.id;
  return (
    `<div class="col"><h2>${escapeHtml(t.timeline)}</h2>${renderTimeline(sandbox, lang, brandId)}</div>` +
    `<div class="col"><h2>${escapeHtml(t.dms)}</h2>${renderDms(sandbox, lang, brandId)}</div>`
  );
}

function options_(users: SandboxUser[], selected: string, brandId: string | undefined, t: Texts): string {
  const sel = selected.replace(/^@/, '').toLowerCase();
  return users
    .map((u) => {
      const on = u.username.toLowerCase() === sel || u.id === selected ? ' selected' : '';
      const tag = u.id === brandId ? ` (${t.brand})` : '';
      return `<option value="${escapeHtml(u.username)}"${on}>${escapeHtml(u.name)} — @${escapeHtml(u.username)}${escapeHtml(tag)}</option>`;
    })
    .join('');
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#15202b}
header.top{background:#15202b;color:#fff;padding:12px 20px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
header.top h1{font-size:20px;margin:0}header.top a{color:#8ecdf8}
main{display:grid;grid-template-columns:minmax(280px,360px) 1fr;gap:20px;padding:20px}
.panel{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px #0002;margin-bottom:16px}
label{display:block;font-size:13px;color:#536471;margin-top:8px}
select,input,textarea,button{font:inherit;width:100%;box-sizing:border-box;padding:6px 8px;margin-top:2px}
textarea{min-height:80px}button{background:#1d9bf0;color:#fff;border:0;border-radius:18px;margin-top:10px;cursor:pointer}
#live{display:grid;grid-template-columns:2fr 1fr;gap:20px}.thread{background:#fff;border-radius:10px;margin-bottom:12px;box-shadow:0 1px 2px #0002}
.post{padding:10px 14px;border-top:1px solid #eef1f3}
${[1, 2, 3, 4, 5, 6, 7, 8].map((d) => `.d${d}{margin-left:${d * 22}px}`).join('')}.thread .post:first-child{border-top:0}
.who .handle,.meta{color:#536471;font-size:13px}.badge{color:#1d9bf0;margin-left:4px}.tag{background:#e8f5fd;color:#1d9bf0;border-radius:8px;padding:0 6px;margin-left:6px;font-size:12px}
.text{margin:4px 0;white-space:normal;overflow-wrap:anywhere}.act{font-size:13px}.dms{list-style:none;padding:0}.dms li{background:#fff;border-radius:10px;padding:8px 12px;margin-bottom:8px}
.notice{background:#e6f4ea;padding:8px 12px;border-radius:8px}.error{background:#fde8e8;padding:8px 12px;border-radius:8px;color:#8a1c1c}
.empty{color:#536471}@media (max-width:900px){main,#live{grid-template-columns:1fr}}
`;

const SCRIPT = `
(function(){var live=document.getElementById('live');var lang=document.documentElement.lang;
function refresh(){if(document.hidden)return;fetch('/sandbox?fragment=live&lang='+lang,{credentials:'same-origin'})
.then(function(r){return r.ok?r.text():null}).then(function(h){if(h!==null)live.innerHTML=h}).catch(function(){})}
setInterval(refresh,4000);})();
`;

function renderPage(
  sandbox: XSandbox,
  lang: PageLang,
  options: SandboxPageOptions,
  prefill: Prefill,
  nonce: string,
): string {
  const t = TEXTS[lang];
  const other: PageLang = lang === 'fr' ? 'en' : 'fr';
  const brand = guessBrand(sandbox, options);
  const users = sandbox.listUsers().sort((a, b) => {
    if (a.id === brand?.id) return 1;
    if (b.id === brand?.id) return -1;
    return a.username.localeCompare(b.username);
  });
  const token = formToken(sandbox);
  const target = prefill.replyTo ? sandbox.getTweet(prefill.replyTo.trim()) : undefined;
  const targetUser = target ? sandbox.findUser(target.authorId) : undefined;
  const hidden = `<input type="hidden" name="token" value="${escapeHtml(token)}"><input type="hidden" name="lang" value="${lang}">`;
  const message = prefill.error
    ? `<p class="error" role="alert">${escapeHtml(t.refused)}: ${escapeHtml(prefill.error)}</p>`
    : prefill.notice
      ? `<p class="notice" role="status">${escapeHtml(prefill.notice)}</p>`
      : '';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(t.title)}</title><style nonce="${escapeHtml(nonce)}">${STYLE}</style></head>
<body><header class="top"><h1>${escapeHtml(t.title)}</h1><span>${escapeHtml(t.intro)}</span>
<a href="/sandbox?lang=${other}" hreflang="${other}">${escapeHtml(t.language)}</a></header>
<main><aside>${message}
<form class="panel" id="compose" method="post" action="/sandbox/page/post">${hidden}
<h2>${escapeHtml(t.post)}</h2>
<label>${escapeHtml(t.postAs)}<select name="as"><option value=""></option>${options_(users, prefill.as ?? '', brand?.id, t)}</select></label>
<label>${escapeHtml(t.newAccount)}<input name="new_username" maxlength="15" pattern="@?[A-Za-z0-9_]{1,15}" value="${escapeHtml(prefill.newUsername ?? '')}"></label>
<label>${escapeHtml(t.newName)}<input name="new_name" maxlength="50" value="${escapeHtml(prefill.newName ?? '')}"></label>
<label>${escapeHtml(t.text)}<textarea name="text" required maxlength="1000">${escapeHtml(prefill.text ?? '')}</textarea></label>
<label>${escapeHtml(t.replyTo)}<input name="reply_to" inputmode="numeric" value="${escapeHtml(prefill.replyTo ?? '')}"></label>
${target ? `<p class="meta">${escapeHtml(t.replyingTo)} ${userLabel(targetUser, target.authorId, t, brand?.id)}: ${renderText(target.text.slice(0, 140))}</p>` : ''}
<button type="submit">${escapeHtml(t.send)}</button></form>
<form class="panel" method="post" action="/sandbox/page/dm">${hidden}
<h2>${escapeHtml(t.sendDm)}</h2>
<label>${escapeHtml(t.from)}<select name="from">${options_(users, prefill.as ?? '', brand?.id, t)}</select></label>
<label>${escapeHtml(t.to)}<select name="to">${options_(users, prefill.to || brand?.username || '', brand?.id, t)}</select></label>
<label>${escapeHtml(t.text)}<textarea name="dm_text" required maxlength="10000">${escapeHtml(prefill.dmText ?? '')}</textarea></label>
<button type="submit">${escapeHtml(t.send)}</button></form>
<p class="meta">${escapeHtml(t.auto)}</p></aside>
<div id="live">${renderLive(sandbox, lang, options)}</div></main>
<script nonce="${escapeHtml(nonce)}">${SCRIPT}</script></body></html>`;
}
