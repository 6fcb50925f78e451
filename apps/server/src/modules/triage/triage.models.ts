import { priorityPolicySchema as contractPolicySchema } from '@guichet/contracts';
import type { z } from 'zod';

export const MESSAGE_TYPES = ['complaint', 'question', 'praise', 'other'] as const;
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export type Sentiment = (typeof SENTIMENTS)[number];
export type Priority = 1 | 2 | 3 | 4;

/** What the classifier says about one post. */
export interface Classification {
  type: MessageType;
  sentiment: Sentiment;
  /** ISO 639 code from lid.176 (`fr`, `en`, …), `und` when nothing is confident. */
  language: string;
  /** Urgency cue ids (see cues.ts), in registry order. */
  urgency: string[];
  /**
   * Complaint vs not, its own output (a workspace learns it from its labels); the type always agrees with it.
   * Optional so that callers building a Classification by hand keep compiling: absent means "type is complaint".
   */
  complaint?: boolean;
  scores: {
    type: Record<MessageType, number>;
    sentiment: Record<Sentiment, number>;
    language: number;
    /** Probability of a complaint, when the classifier gives one. */
    complaint?: number;
  };
}

/** Who wrote it: the customer signals the priority policy may weigh. */
export interface CustomerSignals {
  followers?: number | null | undefined;
  verified?: boolean | undefined;
  /** The customer already had an open case, or wrote several times in this batch. */
  repeatContact?: boolean | undefined;
}

/**
 * The editable mapping from triage to priority: points per type, sentiment, urgency cue and customer signal,
 * and the workspace's own cue words; the sum picks P1–P4 through the thresholds. Stored per workspace as JSON
 * (DEFAULT_PRIORITY_POLICY otherwise). The schema is the API contract, shared with the web app.
 */
export const priorityPolicySchema = contractPolicySchema;
export type PriorityPolicy = z.infer<typeof priorityPolicySchema>;

export interface PriorityDecision {
  priority: Priority;
  points: number;
  /** Human reason, e.g. "complaint, negative, mentions outage". */
  reason: string;
}
