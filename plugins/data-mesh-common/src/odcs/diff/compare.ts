/** Deepest nesting compared structurally; deeper values are compared as JSON text. */
const MAX_CANONICAL_DEPTH = 64;

/** Longest value quoted in a message. */
const MAX_QUOTED_LENGTH = 80;

/**
 * Numbers for contents: two values get the same number from one `ContentIds` when they hold
 * the same content, in any key order and any list order. Each object is read once and its
 * number kept (the values must not change while in use); an object's text names its children
 * by their numbers, so the work and memory stay proportional to the values' size.
 */
export class ContentIds {
  private readonly ids = new Map<string, number>();
  private readonly ofObjects = new WeakMap<object, number>();
  private unwritable = 0;

  of(value: unknown, depth = 0): number {
    if (typeof value !== 'object' || value === null) {
      return this.intern(
        value === undefined
          ? 'u'
          : `p${JSON.stringify(value) ?? String(value)}`,
      );
    }
    const known = this.ofObjects.get(value);
    if (known !== undefined) return known;
    let key: string;
    if (depth > MAX_CANONICAL_DEPTH) {
      try {
        key = `j${JSON.stringify(value)}`;
      } catch {
        // A cycle, or too deep to write: a content of its own, equal to nothing else.
        key = `x${++this.unwritable}`;
      }
    } else if (Array.isArray(value)) {
      key = `[${value
        .map(item => this.of(item, depth + 1))
        .sort((a, b) => a - b)
        .join(',')}]`;
    } else {
      const object = value as Record<string, unknown>;
      key = `{${Object.keys(object)
        .filter(name => object[name] !== undefined)
        .sort()
        .map(
          name => `${JSON.stringify(name)}:${this.of(object[name], depth + 1)}`,
        )
        .join(',')}}`;
    }
    const id = this.intern(key);
    this.ofObjects.set(value, id);
    return id;
  }

  /** Whether two values hold the same content. */
  same(a: unknown, b: unknown): boolean {
    return a === b || this.of(a) === this.of(b);
  }

  private intern(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(key, id);
    }
    return id;
  }
}

/** Whether two values hold the same content, in any key or list order. */
export function sameContent(
  a: unknown,
  b: unknown,
  ids: ContentIds = new ContentIds(),
): boolean {
  return ids.same(a, b);
}

/** A value for a message: `"text"`, `12`, `[a, b]`, cut to a readable length. */
export function quote(value: unknown): string {
  let written: string;
  if (value === undefined) written = 'none';
  else if (typeof value === 'string') written = JSON.stringify(value);
  else {
    try {
      written = JSON.stringify(value) ?? String(value);
    } catch {
      written = String(value);
    }
  }
  return written.length > MAX_QUOTED_LENGTH
    ? `${written.slice(0, MAX_QUOTED_LENGTH - 1)}…`
    : written;
}

/** A key of an item used to pair it with its counterpart; undefined when it has none. */
export type PairKey<T> = (item: T) => string | undefined;

/** An item of a list and its position there. */
export type Placed<T> = { item: T; index: number };

/** Items of two lists paired up (in the new list's order), and those left on each side. */
export type Pairing<T> = {
  pairs: Array<{ before: T; after: T; index: number }>;
  removed: Array<Placed<T>>;
  added: Array<Placed<T>>;
};

/**
 * Pairs the items of an old and a new list, in passes: each pass pairs the items still alone
 * whose keys are equal (e.g. first by `id`, then by `name`), in document order among equal
 * keys. Order in the lists does not matter, so reordering changes nothing.
 */
export function pairUp<T>(
  olds: T[],
  news: T[],
  keys: Array<PairKey<T>>,
): Pairing<T> {
  const partnerOfOld = new Map<number, number>();
  const pairedNew = new Set<number>();
  for (const key of keys) {
    const waiting = new Map<string, number[]>();
    news.forEach((item, index) => {
      if (pairedNew.has(index)) return;
      const value = key(item);
      if (value === undefined) return;
      const queue = waiting.get(value);
      if (queue) queue.push(index);
      else waiting.set(value, [index]);
    });
    olds.forEach((item, index) => {
      if (partnerOfOld.has(index)) return;
      const value = key(item);
      const match = value === undefined ? undefined : waiting.get(value);
      if (!match?.length) return;
      const newIndex = match.shift()!;
      partnerOfOld.set(index, newIndex);
      pairedNew.add(newIndex);
    });
  }
  return {
    pairs: [...partnerOfOld]
      .sort((a, b) => a[1] - b[1])
      .map(([o, n]) => ({ before: olds[o], after: news[n], index: n })),
    removed: olds
      .map((item, index) => ({ item, index }))
      .filter(({ index }) => !partnerOfOld.has(index)),
    added: news
      .map((item, index) => ({ item, index }))
      .filter(({ index }) => !pairedNew.has(index)),
  };
}

/** A string field, or undefined when it is missing or not a non-empty string. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The keys of two objects, each once, in the order they first appear. */
export function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}
