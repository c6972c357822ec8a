import { isDeepStrictEqual } from 'util';
import {
  objectsOf,
  parsePostgres,
  PostgresToken,
  scanPostgres,
} from './parseTrees';

/** Aggregates whose `FILTER (WHERE ...)` form is the same measure over the filtered rows. */
const FOLDABLE_AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);

/**
 * Where the parsers record positions in the text, which differ between a rule and its folded
 * form; one missed here only keeps a rule from being folded.
 */
// prettier-ignore
const POSITIONS = new Set([
  'location', 'query_location', 'stmt_location', 'stmt_len',
  'rexpr_list_start', 'rexpr_list_end',
]);

const withoutPositions = (tree: unknown): unknown =>
  JSON.parse(JSON.stringify(tree), (key, value) =>
    POSITIONS.has(key) ? undefined : value,
  );

type Node = Record<string, any>;

/**
 * Whether PostgreSQL's tree of the rule is `SELECT agg(...) [AS alias] FROM <one table>
 * [WHERE ...]` and nothing else: one plain aggregate (no DISTINCT, FILTER, OVER or ORDER BY
 * in it), no grouping, ordering, limit, set operation, CTE or subquery, and columns named
 * without a table (the scan reads the table under its own name).
 */
function isOneAggregate(select: Node): boolean {
  const allowed = [
    'targetList',
    'fromClause',
    'whereClause',
    'limitOption',
    'op',
  ];
  if (Object.keys(select).some(key => !allowed.includes(key))) return false;
  if (select.op !== 'SETOP_NONE') return false;
  if (select.limitOption !== 'LIMIT_OPTION_DEFAULT') return false;
  if (select.targetList?.length !== 1 || select.fromClause?.length !== 1) {
    return false;
  }
  const call: Node | undefined = select.targetList[0].ResTarget?.val?.FuncCall;
  const name: string[] = (call?.funcname ?? []).map(
    (part: Node) => part.String?.sval,
  );
  if (
    !call ||
    name.length !== 1 ||
    !FOLDABLE_AGGREGATES.has(String(name[0]).toLowerCase()) ||
    [
      'agg_filter',
      'over',
      'agg_distinct',
      'agg_order',
      'agg_within_group',
    ].some(key => call[key])
  ) {
    return false;
  }
  const from: Node | undefined = select.fromClause[0].RangeVar;
  if (!from || from.alias) return false;
  for (const node of objectsOf(select)) {
    if (node.SubLink || node.RangeSubselect || node.WithClause) return false;
    if ((node.ColumnRef as Node | undefined)?.fields.length > 1) return false;
  }
  return true;
}

/**
 * The rule's text split at its top-level keywords, by PostgreSQL's lexer (string literals,
 * quoted names and comments are single tokens; `EXTRACT(YEAR FROM x)` is inside parentheses):
 * the aggregate call, the table and the condition.
 */
function split(sql: string, tokens: PostgresToken[]) {
  const words = tokens.map(token => token.text.toUpperCase());
  if (words[0] !== 'SELECT' || tokens[2]?.text !== '(') return undefined;
  let depth = 0;
  let callEnd: number | undefined;
  let from: number | undefined;
  let where: number | undefined;
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) callEnd ??= i;
    else if (depth === 0 && tokens[i].keywordKind !== 0) {
      if (words[i] === 'FROM') from ??= i;
      else if (words[i] === 'WHERE') where ??= i;
    }
  }
  if (callEnd === undefined || from === undefined) return undefined;
  let last = tokens.length - 1;
  if (tokens[last].text === ';') last--;
  return {
    call: sql.slice(tokens[1].start, tokens[callEnd].end),
    table: sql.slice(
      tokens[from].end,
      where === undefined ? tokens[last].end : tokens[where].start,
    ),
    condition:
      where === undefined
        ? undefined
        : sql.slice(tokens[where].end, tokens[last].end).trim(),
  };
}

/** The select of a statement's tree, or undefined when it is not one SELECT. */
async function selectOf(sql: string): Promise<Node | undefined> {
  const tree = await parsePostgres(sql).catch(() => undefined);
  const statements = tree?.stmts ?? [];
  return statements.length === 1
    ? (statements[0].stmt.SelectStmt as Node | undefined)
    : undefined;
}

/** The rule's select as its folded form must parse: the condition moved into the aggregate. */
function moveConditionIntoAggregate(select: Node): Node {
  const moved = structuredClone(select);
  const target = moved.targetList[0].ResTarget;
  delete target.name;
  if (moved.whereClause) target.val.FuncCall.agg_filter = moved.whereClause;
  delete moved.whereClause;
  return moved;
}

/**
 * A PostgreSQL sql rule that is one aggregate over its own object's table, `SELECT agg(...)
 * FROM ${table} [WHERE condition]`, as the expression that measures the same in the object's
 * aggregate scan: `agg(...) FILTER (WHERE condition)`. On a row store every query reads whole
 * rows, so such a rule then costs no scan of its own. (DuckDB reads a rule's columns only, and
 * skips by their min/max statistics: its rules stay cheaper as queries of their own.)
 * Undefined for any other rule, which runs as its own query.
 *
 * The rule is split by PostgreSQL's lexer, and the split is kept only when PostgreSQL's parser
 * reads the folded expression as exactly the rule's tree with its condition moved into the
 * aggregate: nothing but the same measure is ever folded. Call it on rules that
 * `guardSqlRule` accepted.
 */
export async function aggregateOfRule(
  sql: string,
  table: string,
): Promise<string | undefined> {
  const select = await selectOf(sql);
  if (!select || !isOneAggregate(select)) return undefined;
  const parts = split(sql, await scanPostgres(sql));
  if (!parts || parts.table.trim() !== table) return undefined;
  const expression = parts.condition
    ? `${parts.call} FILTER (WHERE ${parts.condition})`
    : parts.call;
  const folded = await selectOf(`SELECT ${expression} FROM ${table}`);
  return folded &&
    isDeepStrictEqual(
      withoutPositions(moveConditionIntoAggregate(select)),
      withoutPositions(folded),
    )
    ? expression
    : undefined;
}
