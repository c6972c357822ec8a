import {
  parseOdcsContract,
  Problem,
  problemsOf,
} from '@datamesh-portal/plugin-data-mesh-common';
import { createHash } from 'node:crypto';

/** A contract's id, or why its definition is not a valid contract (with its schema problems). */
export type ContractVerdict =
  | { id: string }
  | { problem: string; problems: Problem[] };

function verdictOn(definition: unknown): ContractVerdict {
  try {
    return { id: parseOdcsContract(definition as string).id };
  } catch (error) {
    return {
      problem: (error as Error).message,
      problems: problemsOf(error) ?? [],
    };
  }
}

/**
 * The verdicts on contract definitions, by a hash of their text. The catalog processes every
 * entity again on each round, and parsing and validating a contract's YAML is the processor's
 * main cost; a definition is parsed again only when its text changes. Bounded: the least
 * recently used verdicts go first.
 */
export class ContractVerdicts {
  private readonly verdicts = new Map<string, ContractVerdict>();

  constructor(private readonly max = 20_000) {}

  of(definition: unknown): ContractVerdict {
    // A definition that is no text is refused by the parser; nothing to remember of it.
    if (typeof definition !== 'string') return verdictOn(definition);
    const key = createHash('sha256').update(definition).digest('base64');
    let verdict = this.verdicts.get(key);
    if (verdict) {
      this.verdicts.delete(key);
    } else {
      verdict = verdictOn(definition);
      if (this.verdicts.size >= this.max) {
        this.verdicts.delete(this.verdicts.keys().next().value!);
      }
    }
    this.verdicts.set(key, verdict);
    return verdict;
  }
}
