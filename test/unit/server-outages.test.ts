import { ServerNotAnsweringError } from '../../src/db/faults';
import { ServerOutages } from '../../src/tenancy/server-outages';

describe('servers that stopped answering', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('lets requests through to a server that has not failed to answer', () => {
    const outages = new ServerOutages(1_000, 8_000);
    expect(outages.enter('east')).toBe(false);
    expect(outages.servers).toEqual([]);
  });

  it('refuses a marked server’s requests at once until its wait is over, then lets one try it', () => {
    const outages = new ServerOutages(1_000, 8_000);
    outages.notAnswering('east');
    expect(() => outages.enter('east')).toThrow(ServerNotAnsweringError);
    expect(outages.enter('west')).toBe(false);
    jest.setSystemTime(1_000);
    expect(outages.enter('east')).toBe(true);
    expect(() => outages.enter('east')).toThrow(ServerNotAnsweringError); // while the try is under way
    outages.answered('east');
    expect(outages.enter('east')).toBe(false);
    expect(outages.servers).toEqual([]);
  });

  it('doubles the wait after each failed try, up to the longest, and not for the requests that were already waiting', () => {
    const outages = new ServerOutages(1_000, 3_000);
    outages.notAnswering('east');
    outages.notAnswering('east'); // another request that was waiting on it as it was marked
    for (const retryAt of [1_000, 3_000, 6_000]) {
      jest.setSystemTime(retryAt - 1);
      expect(() => outages.enter('east')).toThrow(ServerNotAnsweringError);
      jest.setSystemTime(retryAt);
      expect(outages.enter('east')).toBe(true);
      outages.notAnswering('east');
    }
    expect(outages.servers).toEqual(['east']);
  });

  it('lets the next request try when a try ended without telling', () => {
    const outages = new ServerOutages(1_000, 8_000);
    outages.notAnswering('east');
    jest.setSystemTime(1_000);
    expect(outages.enter('east')).toBe(true);
    outages.untried('east');
    expect(outages.enter('east')).toBe(true);
  });
});
