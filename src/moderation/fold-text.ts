/** Lower-case with accents removed: "Café" and "CAFE" read the same to the word lists and the content judgements. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}
