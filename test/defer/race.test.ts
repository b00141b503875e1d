/** Tests for src/defer/race.ts ([D46]). */
import { describe, expect, it } from 'vitest';
import { CancelledError, Deferred, Failure, FailureGroup, race } from 'torsion/defer';

describe('race', () => {
  it('[D46] fires with [index, result] of the first success and cancels the rest', () => {
    for (let n = 1; n <= 4; n++) {
      for (let winner = 0; winner < n; winner++) {
        const ds = Array.from({ length: n }, () => new Deferred<string>());
        const cancelled: Failure[] = [];
        ds.forEach((d, i) => {
          if (i !== winner) d.addErrback((f: Failure) => {
            cancelled.push(f);
          });
        });
        const r = race(ds);
        (ds[winner] as Deferred<string>).callback(`w${winner}`);
        expect(r.result).toEqual([winner, `w${winner}`]);
        expect(cancelled).toHaveLength(n - 1);
        for (const f of cancelled) expect(f.value).toBeInstanceOf(CancelledError);
      }
    }
  });

  it('[D46] all inputs failing errbacks with a FailureGroup in input order', () => {
    const ds = [new Deferred<number>(), new Deferred<number>(), new Deferred<number>()];
    const r = race(ds);
    ds[2]?.errback(new Error('c'));
    ds[0]?.errback(new Error('a'));
    expect(r.called).toBe(false);
    ds[1]?.errback(new Error('b'));
    let group: FailureGroup | undefined;
    r.addErrback((f: Failure) => {
      group = f.value as FailureGroup;
    });
    expect(group).toBeInstanceOf(FailureGroup);
    expect(group?.failures.map((f) => f.getErrorMessage())).toEqual(['a', 'b', 'c']);
    // The inputs' failures were consumed by race.
    for (const d of ds) expect(d._failToken).toBeNull();
  });

  it('[D46] a result arriving after its cancel goes nowhere', () => {
    const ds = [new Deferred<string>(), new Deferred<string>(), new Deferred<string>()];
    const r = race(ds);
    ds[1]?.callback('win');
    expect(() => ds[2]?.callback('late')).not.toThrow();
    expect(r.result).toEqual([1, 'win']);
    for (const d of ds) expect(d._failToken).toBeNull();
  });

  it('[D46] a loser whose canceller fires it with success changes nothing', () => {
    const winner = new Deferred<string>();
    const r = race([winner, new Deferred<string>((d) => d.callback('from canceller'))]);
    winner.callback('expected');
    expect(r.result).toEqual([0, 'expected']);
  });

  it('[D46] cancelling race cancels every input, and it fails with a FailureGroup of CancelledErrors', () => {
    const ds = [new Deferred<string>(), new Deferred<string>()];
    const r = race(ds);
    r.cancel();
    for (const d of ds) expect(d.called).toBe(true);
    let failure: Failure | undefined;
    r.addErrback((f: Failure) => {
      failure = f;
    });
    expect(failure?.value).toBeInstanceOf(FailureGroup);
    expect((failure?.value as FailureGroup).failures.every((f) => f.check(CancelledError) !== null)).toBe(true);
  });
});
