import type { InboundItem } from '@guichet/connectors';

/**
 * A synthetic but realistic inbound stream: many customers, most posts opening a thread, a third replying
 * inside an earlier thread, a few third parties, text of tweet length with emoji and HTML-looking bits.
 */
export function generateInbound(count: number, seed = 42): InboundItem[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const customers = Math.max(10, Math.floor(count / 8));
  const phrases = [
    '@acme_sav my order #%d never arrived, can you check? 😡',
    '@acme_sav bonjour, ma box est en panne depuis 3 jours (ref %d)',
    '@acme_sav thanks for the quick help yesterday! 🙏',
    '@acme_sav is there an outage in Lyon right now? <b>nothing works</b>',
    '@acme_sav remboursement toujours pas reçu pour la commande %d…',
  ];
  const items: InboundItem[] = [];
  const base = Date.parse('2026-03-02T08:00:00.000Z');
  for (let i = 0; i < count; i += 1) {
    const customer = Math.floor(random() * customers);
    const externalId = String(2_090_000_000_000_000_000n + BigInt(i) * 4096n);
    const earlier = items.length > 0 && random() < 0.33 ? items[Math.floor(random() * items.length)] : undefined;
    const phrase = phrases[Math.floor(random() * phrases.length)]!.replace('%d', String(10_000 + i));
    items.push({
      kind: earlier ? 'reply' : 'mention',
      visibility: 'public',
      externalId,
      conversationExternalId: earlier ? earlier.conversationExternalId : externalId,
      inReplyToExternalId: earlier?.externalId,
      author: {
        externalId: String(1_500_000_000_000_000_000n + BigInt(customer)),
        handle: `customer_${customer}`,
        name: `Customer ${customer}`,
        // Stable per customer, as profiles are between two posts minutes apart.
        followersCount: (customer * 7919) % 5000,
        verified: customer % 50 === 0,
      },
      text: phrase,
      createdAt: new Date(base + i * 250),
      lang: phrase.includes('bonjour') || phrase.includes('remboursement') ? 'fr' : 'en',
      url: `https://x.com/customer_${customer}/status/${externalId}`,
      raw: { id: externalId, text: phrase },
    });
  }
  return items;
}
