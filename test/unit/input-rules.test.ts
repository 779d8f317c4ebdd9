import { validateSync } from 'class-validator';
import { IsBirthDate, IsSupportedDate, NotBlank } from '../../src/modules/common/input-rules';

class Dates {
  @IsSupportedDate()
  at: unknown;

  @IsBirthDate()
  born: unknown;
}

/** The properties of `Dates` that fail, given `at` and `born`. */
function failing(at: unknown, born: unknown = '1980-01-01'): string[] {
  return validateSync(Object.assign(new Dates(), { at, born })).map((e) => e.property);
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('date rules', () => {
  it.each<[string, unknown]>([
    ['the first instant of 1900', new Date('1900-01-01T00:00:00Z')],
    ['the last instant of 2200', new Date('2200-12-31T23:59:59.999Z')],
    ['a calendar day in 2200', '2200-12-31'],
    ['a calendar day in 1900', '1900-01-01'],
  ])('takes %s', (_why, at) => {
    expect(failing(at)).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['year 0000', new Date('0000-01-01T00:00:00Z')],
    ['the last instant of 1899', new Date('1899-12-31T23:59:59.999Z')],
    ['the first instant of 2201', new Date('2201-01-01T00:00:00Z')],
    ['a calendar day in year 0000', '0000-01-01'],
    ['an invalid date', new Date('nope')],
    ['text that is no date', 'soon'],
  ])('refuses %s', (_why, at) => {
    expect(failing(at)).toEqual(['at']);
  });

  it('takes a birth date from 1900-01-01 to today, nothing earlier or later', () => {
    expect(failing(new Date(), '1900-01-01')).toEqual([]);
    expect(failing(new Date(), day(0))).toEqual([]);
    expect(failing(new Date(), '1899-12-31')).toEqual(['born']);
    expect(failing(new Date(), '0000-01-01')).toEqual(['born']);
    expect(failing(new Date(), day(2))).toEqual(['born']);
  });

  it("takes today's date where the clock runs furthest ahead of UTC (UTC+14), which may be UTC's tomorrow", () => {
    jest.useFakeTimers({ now: new Date('2026-11-24T20:00:00Z') }); // already 2026-11-25 at UTC+14
    try {
      expect(failing(new Date(), '2026-11-25')).toEqual([]);
      expect(failing(new Date(), '2026-11-26')).toEqual(['born']);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('NotBlank', () => {
  class Named {
    @NotBlank()
    name: unknown;
  }
  const fails = (name: unknown) => validateSync(Object.assign(new Named(), { name })).length > 0;

  it('refuses empty, blank and non-text values, and takes text with a visible character', () => {
    expect([' ', '   ', '\t\n', '', null, 42].map(fails)).toEqual([true, true, true, true, true, true]);
    expect(['a', '  a  ', 'Ω'].map(fails)).toEqual([false, false, false]);
  });
});
