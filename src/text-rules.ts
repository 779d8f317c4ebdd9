/**
 * Rules for the text people type (names, contact details, email addresses, passwords), shared by the
 * tenancy core, the modules and the operator commands. Lengths count characters (Unicode code
 * points), not UTF-16 units: an emoji is one character.
 */

/** Line breaks, tabs, NUL, escape and the other control characters (Unicode category Cc). */
const CONTROL = /\p{Cc}/u;

const EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

/** How many characters (code points) `text` holds. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Why a required single line of text (a name) is refused, or undefined: once trimmed, 1 to `max`
 * characters, none of them a line break, tab or other control character.
 */
export function singleLineProblem(text: string, max: number): string | undefined {
  const trimmed = text.trim();
  return !trimmed || charCount(trimmed) > max || CONTROL.test(text) ? `must be 1–${max} characters without line breaks or other control characters` : undefined;
}

/** Why an optional single line of text (an address) is refused, or undefined: at most `max` characters once trimmed, no control character. */
export function optionalLineProblem(text: string, max: number): string | undefined {
  return charCount(text.trim()) > max || CONTROL.test(text) ? `must be at most ${max} characters without line breaks or other control characters` : undefined;
}

/** Why an email address is refused, or null. Its length is counted in octets, as mail standards count it (at most 254). */
export function emailProblem(email: string): string | null {
  return EMAIL.test(email) && Buffer.byteLength(email) <= 254 ? null : 'must be an email address';
}

const PHONE = /^\+?[0-9 ()./-]{5,30}$/;

/** Why a phone number is refused, or undefined: 5–30 digits, spaces and + ( ) . / - once trimmed. */
export function phoneProblem(phone: string): string | undefined {
  return PHONE.test(phone.trim()) ? undefined : 'must be a phone number (digits, spaces, + ( ) . / -)';
}

/**
 * Why optional text is refused, or undefined. Null or absent means none and is taken; text given must
 * hold more than white space (as everywhere in the API), and then pass `rule`.
 */
export function optionalTextProblem(text: string | null | undefined, rule: (text: string) => string | null | undefined): string | undefined {
  if (text === null || text === undefined) return undefined;
  if (!/\S/.test(text)) return 'must not be blank';
  return rule(text) ?? undefined;
}

/** Why free text of several lines (a message) is refused, or undefined: at most `max` characters once trimmed. */
export function longTextProblem(text: string, max: number): string | undefined {
  return charCount(text.trim()) > max ? `must be at most ${max} characters` : undefined;
}
