import { quoteIdentifier } from '../servers/sqlText';

/**
 * One aggregate query over a table that many checks share: each adds the expressions it
 * needs and reads its value back by alias after the single scan.
 */
export class AggregateQuery {
  private readonly expressions = new Map<string, string>();
  /** Aliases some check cannot do without; the others are optional (see `add`). */
  private readonly required = new Set<string>();
  readonly params: unknown[] = [];

  /** A bound parameter: `$1`, `$2`... in both dialects. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /**
   * Adds an expression (once, however many checks need it) and returns its alias. An
   * `optional` one measures what a query of its own could measure instead (a folded sql rule).
   */
  add(expression: string, optional = false): string {
    let alias = this.expressions.get(expression);
    if (!alias) {
      alias = `m${this.expressions.size}`;
      this.expressions.set(expression, alias);
    }
    if (!optional) this.required.add(alias);
    return alias;
  }

  get isEmpty(): boolean {
    return this.expressions.size === 0;
  }

  /** The scan; `requiredOnly` leaves out the optional expressions. */
  sql(relation: string, requiredOnly = false): string {
    const list = [...this.expressions]
      .filter(([, alias]) => !requiredOnly || this.required.has(alias))
      .map(
        ([expression, alias]) => `${expression} AS ${quoteIdentifier(alias)}`,
      )
      .join(',\n  ');
    return `SELECT\n  ${list}\nFROM ${relation}`;
  }
}

/** The query counting the rows that repeat an earlier row's key, NULL keys left out. */
export function duplicateQuery(relation: string, columns: string[]): string {
  const quoted = columns.map(quoteIdentifier);
  return [
    'SELECT COUNT(*) AS "keys", COALESCE(SUM("n"), 0) AS "rows" FROM (',
    `  SELECT COUNT(*) AS "n" FROM ${relation}`,
    `  WHERE ${quoted.map(column => `${column} IS NOT NULL`).join(' AND ')}`,
    `  GROUP BY ${quoted.join(', ')}`,
    '  HAVING COUNT(*) > 1',
    ') AS "duplicates"',
  ].join('\n');
}
