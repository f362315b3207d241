import type { CheckResult } from '../finding';

/** Text that renders to nothing, or is over the limit (the API refuses those, workers re-check). */
export function length(input: { text: string; html: string; maxLength: number }): CheckResult | undefined {
  if (input.text.length > input.maxLength) {
    return { verdict: 'reject', reason: `text is longer than ${input.maxLength} characters` };
  }
  if (input.html.replace(/<[^>]*>/g, '').trim() === '') {
    return { verdict: 'reject', reason: 'text has no visible content' };
  }
  return undefined;
}
