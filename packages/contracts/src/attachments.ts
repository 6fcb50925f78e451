import { z } from 'zod';

/** What a message carries besides its text (issue 12): photos, GIFs and videos, and the links in it. */

export const messageMediaTypeSchema = z.enum(['photo', 'animated_gif', 'video']);
export type MessageMediaType = z.infer<typeof messageMediaTypeSchema>;

export const messageMediaSchema = z.object({
  type: messageMediaTypeSchema,
  mediaKey: z.string().nullable(),
  /** The image (photos). */
  url: z.string().nullable(),
  /** A still frame (GIFs and videos). */
  previewUrl: z.string().nullable(),
  /** The playable file, when the network gives one. */
  videoUrl: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  altText: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  /** The short link standing for it in the text (X: t.co): the display shows the media instead. */
  textUrl: z.string().nullable(),
  /** Needs the account's credentials to load (X: media in direct messages): not shown inline. */
  private: z.boolean(),
});
export type MessageMedia = z.infer<typeof messageMediaSchema>;

export const messageLinkSchema = z.object({
  /** As written in the text (X: the t.co link). */
  url: z.string(),
  expandedUrl: z.string().nullable(),
  displayUrl: z.string().nullable(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  unwoundUrl: z.string().nullable(),
});
export type MessageLink = z.infer<typeof messageLinkSchema>;

export const messageAttachmentsSchema = z.object({
  media: z.array(messageMediaSchema),
  links: z.array(messageLinkSchema),
});
export type MessageAttachments = z.infer<typeof messageAttachmentsSchema>;
