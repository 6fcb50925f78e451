import { z } from 'zod';

/**
 * Pictures agents attach to replies (issue 12), with X's limits as the desk enforces them before anything is
 * sent: JPEG, PNG, WebP or GIF; 5 MB a picture, 15 MB a GIF; up to 4 pictures (or one GIF) on a public
 * reply, one on a direct message.
 */
export const OUTGOING_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export const outgoingImageTypeSchema = z.enum(OUTGOING_IMAGE_TYPES);
export type OutgoingImageType = z.infer<typeof outgoingImageTypeSchema>;

export const OUTGOING_MEDIA_LIMITS = {
  maxImageBytes: 5 * 1024 * 1024,
  maxGifBytes: 15 * 1024 * 1024,
  maxPublic: 4,
  maxDirect: 1,
} as const;

/** The most a file may weigh, by type. */
export function outgoingMediaMaxBytes(type: OutgoingImageType): number {
  return type === 'image/gif' ? OUTGOING_MEDIA_LIMITS.maxGifBytes : OUTGOING_MEDIA_LIMITS.maxImageBytes;
}

/** The file, base64-encoded inside JSON (the desk's API takes changes as JSON only). */
export const outgoingMediaUploadSchema = z.object({
  contentType: z.string().min(1).max(100),
  // 15 MB as base64, with room for padding.
  data: z
    .string()
    .min(1)
    .max(Math.ceil((OUTGOING_MEDIA_LIMITS.maxGifBytes * 4) / 3) + 16),
});
export type OutgoingMediaUpload = z.infer<typeof outgoingMediaUploadSchema>;

export const outgoingMediaSchema = z.object({
  id: z.string(),
  contentType: outgoingImageTypeSchema,
  sizeBytes: z.number().int(),
  /** The desk's own address for the file (signed-in agents only). */
  url: z.string(),
});
export type OutgoingMedia = z.infer<typeof outgoingMediaSchema>;
