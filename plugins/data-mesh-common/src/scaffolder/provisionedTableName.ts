/**
 * The table of a schema object of a new product's contract, as the New data product template
 * provisions it: `<product>_<object>` in lowercase with `_` for anything else, so that the
 * products of a domain (which share its schema) do not clash and nobody needs to quote it;
 * at most 63 characters, PostgreSQL's identifier limit.
 *
 * @public
 */
export function provisionedTableName(product: string, object: string): string {
  return `${product}_${object}`
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 63);
}
