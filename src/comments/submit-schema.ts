import { z } from 'zod';

/** Empty form fields arrive as "" or null; both mean "not given". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

const httpUrl = (max: number) => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(max);

/** The body of `POST /v1/sites/:siteKey/comments`; also its TypeScript type. */
export function submitCommentSchema(options: { maxLength: number }) {
  return z.object({
    pageId: z.string().trim().min(1).max(500),
    pageUrl: optional(httpUrl(2000)),
    pageTitle: optional(z.string().trim().max(300)),
    parentId: optional(z.uuid()),
    name: z.string().trim().min(1).max(80),
    email: z.email().max(254),
    website: optional(httpUrl(500)),
    text: z
      .string()
      .max(options.maxLength)
      .refine((t) => t.trim().length > 0, 'must not be empty'),
    formToken: optional(z.string().max(500)),
    hp: optional(z.string().max(1000)),
  });
}

export type SubmitComment = z.infer<ReturnType<typeof submitCommentSchema>>;
