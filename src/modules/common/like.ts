/** The text with LIKE's wildcards (and its escape character) escaped, to match it literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
