import { Entity } from '@backstage/catalog-model';
import {
  contractColumnNames,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';

/**
 * The column names of contract API entities, for the search text of their products. Parsing a
 * contract's YAML costs far more than evaluating its product, so each contract is read once
 * per version (its catalog etag) and the columns kept, one entry per contract.
 * @public
 */
export class ContractColumnIndex {
  private readonly cache = new Map<
    string,
    { version: string; columns: string[] }
  >();

  /** The columns of a contract API entity; none when its definition is not a readable contract. */
  columnsOf(ref: string, api: Entity): string[] {
    const definition = (api.spec as { definition?: unknown } | undefined)
      ?.definition;
    if (typeof definition !== 'string') return [];
    const version = api.metadata.etag ?? definition;
    const cached = this.cache.get(ref);
    if (cached?.version === version) return cached.columns;
    let columns: string[] = [];
    try {
      columns = contractColumnNames(readOdcsContract(definition));
    } catch {
      // The catalog refuses invalid contracts; one that slips through is just not searchable.
    }
    this.cache.set(ref, { version, columns });
    return columns;
  }
}
