import { describe, expect, it } from 'vitest';
import { matchesQuery, parseQuery, QuerySyntaxError, type MatchSubject } from './search-query.ts';

function post(text: string, extra: Partial<MatchSubject> = {}): MatchSubject {
  return {
    text,
    lang: 'en',
    authorId: '100',
    authorUsername: 'camille_durand',
    authorVerified: false,
    conversationId: '500',
    mentions: [...text.matchAll(/@([A-Za-z0-9_]+)/g)].map((m) => m[1]!.toLowerCase()),
    hashtags: [...text.matchAll(/#(\w+)/g)].map((m) => m[1]!.toLowerCase()),
    cashtags: [...text.matchAll(/\$([A-Za-z]+)/g)].map((m) => m[1]!.toLowerCase()),
    urls: [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]),
    ...extra,
  };
}

const match = (query: string, subject: MatchSubject): boolean => matchesQuery(parseQuery(query), subject);

function syntaxError(query: string): QuerySyntaxError {
  try {
    parseQuery(query);
  } catch (err) {
    if (err instanceof QuerySyntaxError) return err;
    throw err;
  }
  throw new Error(`expected ${query} to be rejected`);
}

describe('search query parser', () => {
  it('matches tokenized keywords case-insensitively and exact phrases in order', () => {
    const p = post('Acme a encore perdu mon colis, merci ACME!');
    expect(match('acme', p)).toBe(true);
    expect(match('ACME colis', p)).toBe(true);
    expect(match('acme livraison', p)).toBe(false);
    expect(match('"perdu mon colis"', p)).toBe(true);
    expect(match('"mon perdu colis"', p)).toBe(false);
    // Keywords are whole tokens, not substrings.
    expect(match('acm', p)).toBe(false);
  });

  it('gives AND precedence over OR and honours parentheses and negation', () => {
    const a = post('acme app crashed');
    const b = post('acme corp is slow');
    const c = post('the app is great');
    expect(match('acme OR app great', c)).toBe(true); // acme OR (app great)
    expect(match('(acme OR app) great', c)).toBe(true);
    expect(match('(acme OR app) great', a)).toBe(false);
    expect(match('(acme OR "acme corp") -app', b)).toBe(true);
    expect(match('(acme OR "acme corp") -app', a)).toBe(false);
    expect(match('acme -(app OR slow)', a)).toBe(false);
    expect(match('acme -(app OR slow)', post('acme hello'))).toBe(true);
    // Lower-case "or" is an ordinary keyword.
    expect(match('acme or', a)).toBe(false);
  });

  it('supports @user, from:, to:, is:retweet, is:reply, lang: and conversation_id:', () => {
    const reply = post('@acme_support my order #4411 never arrived', {
      inReplyToTweetId: '400',
      inReplyToUserId: '200',
      inReplyToUsername: 'acme_support',
      lang: 'fr',
    });
    expect(match('@acme_support', reply)).toBe(true);
    expect(match('@Acme_Support is:reply', reply)).toBe(true);
    expect(match('order -@acme_support', reply)).toBe(false);
    expect(match('from:camille_durand', reply)).toBe(true);
    expect(match('from:100 lang:fr', reply)).toBe(true);
    expect(match('from:someone_else', reply)).toBe(false);
    expect(match('to:acme_support', reply)).toBe(true);
    expect(match('to:200', reply)).toBe(true);
    expect(match('order lang:en', reply)).toBe(false);
    expect(match('conversation_id:500', reply)).toBe(true);
    expect(match('conversation_id:501', reply)).toBe(false);
    const rt = post('RT @acme_support: big sale', { retweetOfId: '42' });
    expect(match('sale is:retweet', rt)).toBe(true);
    expect(match('sale -is:retweet', rt)).toBe(false);
    expect(match('retweets_of_tweet_id:42', rt)).toBe(true);
  });

  it('supports hashtags, cashtags, url: and has: operators', () => {
    const p = post('#AcmeFail again, see https://acme.example.com/status $ACME');
    expect(match('#acmefail', p)).toBe(true);
    expect(match('$acme', p)).toBe(true);
    expect(match('url:"acme.example.com"', p)).toBe(true);
    expect(match('again has:links has:hashtags', p)).toBe(true);
    expect(match('again has:mentions', p)).toBe(false);
    // URL contents are not keyword tokens.
    expect(match('status', p)).toBe(false);
  });

  it('rejects malformed queries with a position', () => {
    expect(syntaxError('(acme OR app').message).toMatch(
      /^There were errors processing your request: .*\(at position 1\)$/,
    );
    expect(syntaxError('acme)').position).toBe(5);
    expect(syntaxError('acme OR').reason).toMatch(/OR/);
    expect(syntaxError('OR acme').reason).toMatch(/OR/);
    expect(syntaxError('"unterminated').reason).toMatch(/Unterminated/);
    expect(syntaxError('acme ()').reason).toMatch(/Empty group/);
    expect(syntaxError('acme - app').reason).toMatch(/'-'/);
    expect(syntaxError('acme min_faves:10').reason).toMatch(/invalid operator 'min_faves'/);
    expect(syntaxError('acme is:popular').reason).toMatch(/invalid operator 'is:popular'/);
    expect(syntaxError('conversation_id:abc').reason).toMatch(/post ID/);
    expect(syntaxError('   ').reason).toBe('Empty query');
  });

  it('requires a positive standalone clause (conjunction-required operators cannot stand alone)', () => {
    expect(syntaxError('is:retweet').reason).toMatch(/positive/);
    expect(syntaxError('lang:fr -is:retweet').reason).toMatch(/positive/);
    expect(syntaxError('-acme').reason).toMatch(/positive/);
    expect(syntaxError('acme OR lang:fr').reason).toMatch(/positive/);
    expect(() => parseQuery('acme lang:fr -is:retweet')).not.toThrow();
    expect(() => parseQuery('from:acme_support')).not.toThrow();
  });
});
