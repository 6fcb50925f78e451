import { z } from 'zod';

/** Every API error body. `code` is stable and namespaced (e.g. `case.not_found`); `message` is English. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
