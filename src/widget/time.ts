// Browser code: "3 minutes ago" in the reader's language, the exact time on hover.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31536e6],
  ['month', 2592e6],
  ['week', 6048e5],
  ['day', 864e5],
  ['hour', 36e5],
  ['minute', 6e4],
];

export function relativeTime(iso: string, lang: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  for (const [unit, ms] of UNITS) if (Math.abs(diff) >= ms) return format.format(Math.round(diff / ms), unit);
  return format.format(0, 'second'); // "now"
}

export function exactTime(iso: string, lang: string): string {
  return new Date(iso).toLocaleString(lang, { dateStyle: 'long', timeStyle: 'short' });
}
