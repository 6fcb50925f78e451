import { decidePriority } from '../../../triage/priority.ts';
import { getPriorityPolicy } from '../../../triage/triage.repository.ts';
import type { Classification } from '../../../triage/triage.models.ts';
import type { PageContext } from '../page.ts';

/**
 * Stage 7 — triage: type, sentiment, language and urgency once per distinct text and language tag, however
 * often it comes (copy-paste campaigns, "any update?"), then each message's priority from the workspace's
 * policy (read once per page) and its author's signals. A case takes the most urgent triage of its new
 * messages; a survey rating raises nothing.
 */
export async function triage(ctx: PageContext): Promise<void> {
  const policy = await getPriorityPolicy(ctx.tx, ctx.channel.workspace_id);
  const byText = new Map<string, Classification>();
  for (const entry of ctx.entries) {
    const { item, draft } = entry;
    // X's language tag is part of the key: it decides the language, and so can change the answer.
    const key = `${item.lang ?? ''}\u0000${item.text}`;
    let classification = byText.get(key);
    if (!classification) {
      classification = ctx.classifier.classify(item.text, item.lang);
      byText.set(key, classification);
    }
    const decision = decidePriority(
      classification,
      {
        followers: item.author.followersCount ?? null,
        verified: item.author.verified ?? false,
        repeatContact: entry.repeatContact,
      },
      policy,
    );
    entry.classification = classification;
    entry.decision = decision;
    if (!entry.surveyAnswer && (!draft.triage || decision.priority < draft.triage.priority)) {
      draft.triage = { priority: decision.priority, reason: decision.reason, type: classification.type };
    }
    draft.lang ??= messageLang(entry.item.lang, classification) ?? undefined;
  }
}

/** X's language tag when it gives one, else the detected language (none when nothing was confident). */
export function messageLang(given: string | undefined, classification: Classification): string | null {
  return given ?? (classification.language === 'und' ? null : classification.language);
}
