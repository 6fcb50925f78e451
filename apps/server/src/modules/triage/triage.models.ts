import { z } from 'zod';

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
  scores: {
    type: Record<MessageType, number>;
    sentiment: Record<Sentiment, number>;
    language: number;
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
 * The editable mapping from triage to priority: points per type, sentiment, urgency cue and customer signal;
 * the sum picks P1–P4 through the thresholds. Stored per workspace as JSON; DEFAULT_PRIORITY_POLICY otherwise.
 */
export const priorityPolicySchema = z.object({
  type: z.object({
    complaint: z.number().int().min(-5).max(10),
    question: z.number().int().min(-5).max(10),
    praise: z.number().int().min(-5).max(10),
    other: z.number().int().min(-5).max(10),
  }),
  sentiment: z.object({
    negative: z.number().int().min(-5).max(10),
    neutral: z.number().int().min(-5).max(10),
    positive: z.number().int().min(-5).max(10),
  }),
  /** Points per urgency cue id; cues absent here count 0. */
  cues: z.record(z.string(), z.number().int().min(-5).max(10)),
  customer: z.object({
    /** Points when the author has at least this many followers. */
    followers: z.array(z.object({ atLeast: z.number().int().min(0), points: z.number().int().min(-5).max(10) })),
    verified: z.number().int().min(-5).max(10),
    repeatContact: z.number().int().min(-5).max(10),
  }),
  /** Minimum points for P1, P2 and P3; anything below is P4. */
  thresholds: z
    .object({ p1: z.number().int(), p2: z.number().int(), p3: z.number().int() })
    .refine((t) => t.p1 > t.p2 && t.p2 > t.p3, 'thresholds must decrease from P1 to P3'),
});
export type PriorityPolicy = z.infer<typeof priorityPolicySchema>;

export interface PriorityDecision {
  priority: Priority;
  points: number;
  /** Human reason, e.g. "complaint, negative, mentions outage". */
  reason: string;
}
