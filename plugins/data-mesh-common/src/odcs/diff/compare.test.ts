import { ContentIds, pairUp, sameContent } from './compare';

describe('ContentIds', () => {
  it('gives the same number to the same content, in any key or list order', () => {
    const ids = new ContentIds();
    expect(ids.of({ a: [1, 2, { b: 'x' }], c: null })).toBe(
      ids.of({ c: null, a: [{ b: 'x' }, 2, 1] }),
    );
    expect(ids.same([1, 1, 2], [1, 2, 1])).toBe(true);
    expect(ids.same({ a: undefined }, {})).toBe(true);
  });

  it('tells different contents apart', () => {
    const ids = new ContentIds();
    expect(ids.same([1, 1, 2], [1, 2, 2])).toBe(false);
    expect(ids.same({ a: 1 }, { a: '1' })).toBe(false);
    expect(ids.same([[1, 2], [3]], [[1], [2, 3]])).toBe(false);
    expect(ids.same({ a: { b: 1 } }, { 'a:{"b"': 1 })).toBe(false);
    expect(ids.same(undefined, null)).toBe(false);
  });

  it('reads a cycle as a content of its own, and deep nesting without failing', () => {
    const cycle: any = { a: 1 };
    cycle.self = cycle;
    const other: any = { a: 1 };
    other.self = other;
    expect(sameContent(cycle, cycle)).toBe(true);
    expect(sameContent(cycle, other)).toBe(false);
    const deep = (n: number) => {
      let value: unknown = 'leaf';
      for (let i = 0; i < n; i++) value = { n: value };
      return value;
    };
    expect(sameContent(deep(1000), deep(1000))).toBe(true);
    expect(sameContent(deep(1000), deep(1001))).toBe(false);
    // Too deep even to write: a content of its own, so a change is never missed.
    expect(sameContent(deep(20000), deep(20000))).toBe(false);
  });
});

describe('pairUp', () => {
  it('pairs by the first key that matches, in order, and leaves the rest', () => {
    const olds = [
      { id: '1', name: 'a' },
      { name: 'b' },
      { name: 'c' },
      { name: 'c' },
    ];
    const news = [
      { name: 'c' },
      { id: '1', name: 'renamed' },
      { name: 'd' },
      { name: 'b' },
    ];
    const { pairs, removed, added } = pairUp(olds, news, [
      item => item.id,
      item => item.name,
    ]);
    expect(pairs).toEqual([
      { before: olds[2], after: news[0], index: 0 },
      { before: olds[0], after: news[1], index: 1 },
      { before: olds[1], after: news[3], index: 3 },
    ]);
    expect(removed).toEqual([{ item: olds[3], index: 3 }]);
    expect(added).toEqual([{ item: news[2], index: 2 }]);
  });
});
