/**
 * An ILIKE pattern matching `text` anywhere, with LIKE's own wildcards (% _) and its escape (\) taken literally, so a
 * user's "100%" or "IMG_1" means exactly that.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
