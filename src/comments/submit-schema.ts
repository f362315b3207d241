import { z } from 'zod';

/** Empty form fields arrive as "" or null; both mean "not given". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

// Control characters, and the bidi embeddings, overrides and isolates that make a name
// display as someone else's ("\u202Egnirts" shows backwards).
const CONTROL_OR_BIDI = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/u;
// More than a few combining marks on one letter is "zalgo" text spilling over its neighbours.
const STACKED_MARKS = /\p{M}{4,}/u;

/** A display name: no control or bidi characters, no towers of combining marks. */
const displayName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .refine((name) => !CONTROL_OR_BIDI.test(name), 'must not contain control or text-direction characters')
  .refine((name) => !STACKED_MARKS.test(name), 'must not stack more than three combining marks on a letter');

const httpUrl = (max: number) => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(max);

/** The body of `POST /v1/sites/:siteKey/comments`; also its TypeScript type. */
export function submitCommentSchema(options: { maxLength: number }) {
  return z.object({
    pageId: z.string().trim().min(1).max(500),
    pageUrl: optional(httpUrl(2000)),
    pageTitle: optional(z.string().trim().max(300)),
    parentId: optional(z.uuid()),
    name: displayName,
    email: z.email().max(254),
    website: optional(httpUrl(500)),
    text: z
      .string()
      .max(options.maxLength)
      .refine((t) => t.trim().length > 0, 'must not be empty'),
    formToken: optional(z.string().max(500)),
    /**
     * The author token of one of the author's earlier published comments on this site,
     * which the widget keeps: the proof that this is the same author. An email alone
     * proves nothing, anyone can type it.
     */
    authorProof: optional(z.string().max(200)),
    hp: optional(z.string().max(1000)),
    /** Mail the author when a reply to this comment is published (after they confirm their address). */
    notifyReplies: optional(z.boolean()),
  });
}

export type SubmitComment = z.infer<ReturnType<typeof submitCommentSchema>>;
