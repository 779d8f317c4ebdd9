import { isRecoveryCode, newRecoveryCodes, recoveryCodeHash, RECOVERY_CODE_COUNT } from '../../src/auth/recovery-codes';

describe('MFA recovery codes', () => {
  it('come ten at a time as xxxxx-xxxxx, without look-alike characters, all different', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
    expect(new Set(newRecoveryCodes(200)).size).toBe(200);
  });

  it('hash the same however they are typed (dash, spaces, case), and differently from each other', () => {
    const [code, other] = newRecoveryCodes(2) as [string, string];
    const typed = ` ${code.replace('-', ' ').toUpperCase()} `;
    expect(recoveryCodeHash(typed)).toBe(recoveryCodeHash(code));
    expect(recoveryCodeHash(other)).not.toBe(recoveryCodeHash(code));
    expect(recoveryCodeHash(code)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('are told apart from TOTP codes and other text', () => {
    expect(isRecoveryCode(newRecoveryCodes(1)[0]!)).toBe(true);
    expect(isRecoveryCode('ABCDE-FGHJK')).toBe(true);
    for (const text of ['123456', '', 'abcde-fghj', 'abcde-fghjkm', 'abcd0-fghjk', 'abcde_fghjk']) expect(isRecoveryCode(text)).toBe(false);
  });
});
