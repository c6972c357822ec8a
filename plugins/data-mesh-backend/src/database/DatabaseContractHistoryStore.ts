import { OdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import { Knex } from 'knex';
import chunk from 'lodash/chunk';
import { inTransaction, WriteOptions } from './client';
import {
  canonicalJson,
  contractContentHash,
  ContractDefinitionEntry,
  ContractDefinitionToRecord,
  ContractHistoryStore,
  NewContractDefinition,
  StoredContractDefinition,
} from './ContractHistoryStore';
import { IN_CHUNK, toDate, uniqueRefs } from './util';

const TABLE = 'contract_definitions';
const ENTRY_COLUMNS = [
  'contract_ref',
  'content_hash',
  'version',
  'first_seen_at',
];
const DEFAULT_LIMIT = 100;

interface DefinitionRow {
  contract_ref: string;
  content_hash: string;
  version: string;
  first_seen_at: unknown;
  definition?: string;
}

function toEntry(row: DefinitionRow): ContractDefinitionEntry {
  return {
    contractRef: row.contract_ref,
    version: row.version,
    hash: row.content_hash,
    firstSeenAt: toDate(row.first_seen_at),
  };
}

function toStored(row: DefinitionRow): StoredContractDefinition {
  return {
    ...toEntry(row),
    definition: JSON.parse(row.definition!) as OdcsContract,
  };
}

/** The contract history on the plugin's database (table `contract_definitions`). */
export class DatabaseContractHistoryStore implements ContractHistoryStore {
  constructor(private readonly db: Knex) {}

  async record(
    definitions: ContractDefinitionToRecord[],
    options?: WriteOptions,
  ): Promise<NewContractDefinition[]> {
    const candidates = definitions.map(d => ({
      ...d,
      contractRef: d.contractRef.toLocaleLowerCase('en-US'),
      hash: contractContentHash(d.definition),
    }));
    // Most passes change nothing: only hashes are read to tell, definitions only of changes.
    const latestHashes = await this.latestRows(
      candidates.map(c => c.contractRef),
      ['contract_ref', 'content_hash'],
    );
    const changed = candidates.filter(
      c => latestHashes.get(c.contractRef)?.content_hash !== c.hash,
    );
    if (changed.length === 0) return [];
    const latest = await this.latestDefinitions(
      changed.map(c => c.contractRef),
    );
    return inTransaction(this.db, options, async trx => {
      const recorded: NewContractDefinition[] = [];
      const seen = new Set<string>();
      for (const c of changed) {
        const key = `${c.contractRef} ${c.hash}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const inserted = await trx(TABLE)
          .insert({
            contract_ref: c.contractRef,
            content_hash: c.hash,
            version: String(c.definition.version ?? ''),
            definition: canonicalJson(c.definition),
            first_seen_at: c.seenAt,
          })
          .onConflict(['contract_ref', 'content_hash'])
          .ignore()
          .returning('id');
        if (inserted.length === 0) continue;
        const previous = latest.get(c.contractRef);
        recorded.push({
          recorded: {
            contractRef: c.contractRef,
            version: String(c.definition.version ?? ''),
            hash: c.hash,
            firstSeenAt: c.seenAt,
            definition: c.definition,
          },
          ...(previous ? { previous } : {}),
        });
      }
      return recorded;
    });
  }

  async listVersions(
    contractRef: string,
    options?: { limit?: number },
  ): Promise<ContractDefinitionEntry[]> {
    const rows: DefinitionRow[] = await this.db(TABLE)
      .select(ENTRY_COLUMNS)
      .where('contract_ref', contractRef.toLocaleLowerCase('en-US'))
      .orderBy('id', 'desc')
      .limit(options?.limit ?? DEFAULT_LIMIT);
    return rows.map(toEntry);
  }

  async getDefinition(
    contractRef: string,
    hash: string,
  ): Promise<StoredContractDefinition | undefined> {
    const row: DefinitionRow | undefined = await this.db(TABLE)
      .select([...ENTRY_COLUMNS, 'definition'])
      .where({
        contract_ref: contractRef.toLocaleLowerCase('en-US'),
        content_hash: hash,
      })
      .first();
    return row ? toStored(row) : undefined;
  }

  async latestDefinitions(
    contractRefs: string[],
  ): Promise<Map<string, StoredContractDefinition>> {
    const rows = await this.latestRows(contractRefs, [
      ...ENTRY_COLUMNS,
      'definition',
    ]);
    return new Map([...rows].map(([ref, row]) => [ref, toStored(row)]));
  }

  /** The latest row of each contract that has one (these columns), by lowercase ref. */
  private async latestRows(
    contractRefs: string[],
    columns: string[],
  ): Promise<Map<string, DefinitionRow>> {
    const latest = new Map<string, DefinitionRow>();
    for (const refsChunk of chunk(uniqueRefs(contractRefs), IN_CHUNK)) {
      const rows: DefinitionRow[] = await this.db(TABLE)
        .select(columns)
        .whereIn(
          'id',
          this.db(TABLE)
            .max('id')
            .whereIn('contract_ref', refsChunk)
            .groupBy('contract_ref'),
        );
      for (const row of rows) latest.set(row.contract_ref, row);
    }
    return latest;
  }
}
