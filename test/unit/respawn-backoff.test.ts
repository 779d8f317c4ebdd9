import { RespawnBackoff } from '../../src/cluster/respawn';

describe('replacing dead workers', () => {
  const options = { initialMs: 500, maxMs: 30_000, quietMs: 60_000 };

  it.each([
    ['a first death', [0], [500]],
    ['deaths in quick succession, doubling', [0, 1_000, 2_000, 3_000], [500, 1_000, 2_000, 4_000]],
    ['a crash loop, capped', [0, 1, 2, 3, 4, 5, 6, 7, 8], [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]],
    ['a death after a quiet minute, from the start again', [0, 1_000, 62_000], [500, 1_000, 500]],
  ])('waits after %s', (_case, deaths, waits) => {
    let now = 0;
    const backoff = new RespawnBackoff(options, () => now);
    const observed = deaths.map((at) => {
      now = at;
      return backoff.next();
    });
    expect(observed).toEqual(waits);
  });
});
