import { OdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import { createHash } from 'crypto';
import { WriteOptions } from './client';

/** A definition of a contract as the catalog holds it, to record. */
export interface ContractDefinitionToRecord {
  /** The API entity holding the contract; the store lowercases it. */
  contractRef: string;
  /** The definition, parsed. */
  definition: OdcsContract;
  /** When the backend saw it. */
  seenAt: Date;
}

/** A recorded definition, without its content. */
export interface ContractDefinitionEntry {
  contractRef: string;
  /** The version the definition declares. */
  version: string;
  /** SHA-256 (hex) of the definition as canonical JSON; see {@link contractContentHash}. */
  hash: string;
  firstSeenAt: Date;
}

/** A recorded definition with its content. */
export interface StoredContractDefinition extends ContractDefinitionEntry {
  definition: OdcsContract;
}

/** A definition recorded for the first time, and the one recorded last before it. */
export interface NewContractDefinition {
  recorded: StoredContractDefinition;
  previous?: StoredContractDefinition;
}

/**
 * The history of data contracts: each definition of each contract the backend has seen, once
 * per content, in the order it was first seen. Refs are lowercased.
 */
export interface ContractHistoryStore {
  /**
   * Records the definitions whose content differs from the latest recorded of their contract
   * (content recorded earlier, as in a revert, is not recorded again). Returns those recorded,
   * each with the definition recorded before it. Concurrent callers record a content once: one
   * of them gets it back.
   */
  record(
    definitions: ContractDefinitionToRecord[],
    options?: WriteOptions,
  ): Promise<NewContractDefinition[]>;

  /** The contract's definitions, newest first (at most `limit`). */
  listVersions(
    contractRef: string,
    options?: { limit?: number },
  ): Promise<ContractDefinitionEntry[]>;

  /** One definition of the contract, by content hash. */
  getDefinition(
    contractRef: string,
    hash: string,
  ): Promise<StoredContractDefinition | undefined>;

  /** The latest recorded definition of each of the contracts that has one, by lowercase ref. */
  latestDefinitions(
    contractRefs: string[],
  ): Promise<Map<string, StoredContractDefinition>>;
}

/** JSON with object keys sorted at every level: the same for the same content. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(item => canonicalJson(item ?? null)).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : Number(a > b)));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The content hash of a definition: SHA-256 (hex) of its canonical JSON. */
export function contractContentHash(definition: OdcsContract): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}
