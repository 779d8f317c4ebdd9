import { afterSql, type SortKey } from '../../src/modules/common/cursor';

const key = (property: string, desc: boolean): SortKey => ({ property, desc, type: 'text' });
const column = (property: string) => `p.${property}`;

describe('afterSql', () => {
  it.each([
    ['one ascending key', [key('a', false)], ['x'], { text: 'p.a > ?', params: ['x'] }],
    ['one descending key', [key('a', true)], ['x'], { text: 'p.a < ?', params: ['x'] }],
    ['keys all ascending, as one row comparison', [key('a', false), key('b', false), key('id', false)], ['x', 'y', 'z'], { text: '(p.a, p.b, p.id) > (?, ?, ?)', params: ['x', 'y', 'z'] }],
    ['keys all descending, as one row comparison', [key('a', true), key('id', true)], ['x', 'z'], { text: '(p.a, p.id) < (?, ?)', params: ['x', 'z'] }],
    [
      'a descending key then an ascending one, each in its own direction',
      [key('a', true), key('id', false)],
      ['x', 'z'],
      { text: 'p.a <= ? and (p.a < ? or (p.a = ? and p.id > ?))', params: ['x', 'x', 'x', 'z'] },
    ],
    [
      'three keys of mixed directions',
      [key('a', false), key('b', true), key('id', false)],
      ['x', 'y', 'z'],
      { text: 'p.a >= ? and (p.a > ? or (p.a = ? and (p.b < ? or (p.b = ? and p.id > ?))))', params: ['x', 'x', 'x', 'y', 'y', 'z'] },
    ],
  ])('writes the rows past a cursor for %s', (_, keys, values, expected) => {
    expect(afterSql(keys, values, column)).toEqual(expected);
  });
});
