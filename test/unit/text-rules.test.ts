import { passwordProblem } from '../../src/auth/passwords';
import { charCount, emailProblem, optionalLineProblem, singleLineProblem } from '../../src/text-rules';

const EMOJI = '\u{1F3E5}';

describe('text rules', () => {
  it('counts an emoji as one character', () => {
    expect(charCount(EMOJI.repeat(3))).toBe(3);
    expect(singleLineProblem(EMOJI.repeat(200), 200)).toBeUndefined();
    expect(singleLineProblem(EMOJI.repeat(201), 200)).toBe('must be 1–200 characters without line breaks or other control characters');
    expect(optionalLineProblem(EMOJI.repeat(500), 500)).toBeUndefined();
  });

  it.each(['\u0000', '\u0007', '\u001b[31m', '\n', '\r', '\t', '\u007f', '\u009b'])('refuses the control character %j in a single line', (control) => {
    expect(singleLineProblem(`North${control}Clinic`, 200)).toBeDefined();
    expect(optionalLineProblem(`1 Main St${control}`, 500)).toBeDefined();
    expect(emailProblem(`desk${control}x@north.test`)).toBe('must be an email address');
  });

  it('takes an email address of at most 254 octets', () => {
    expect(emailProblem(`${'a'.repeat(243)}@north.test`)).toBeNull();
    expect(emailProblem(`${'a'.repeat(244)}@north.test`)).toBe('must be an email address');
    expect(emailProblem(`${'é'.repeat(122)}@north.test`)).toBe('must be an email address');
  });

  it('counts a password in characters: 12 to 200 of them, emoji or not', () => {
    expect(passwordProblem(EMOJI.repeat(6) + 'abcdef')).toBeNull();
    expect(passwordProblem(`${EMOJI}${'x'.repeat(10)}`)).toBe('must be at least 12 characters');
    expect(passwordProblem(`${EMOJI.repeat(100)}${'x'.repeat(100)}`)).toBeNull();
    expect(passwordProblem(`${EMOJI}${'x'.repeat(200)}`)).toBe('must be at most 200 characters');
  });
});
