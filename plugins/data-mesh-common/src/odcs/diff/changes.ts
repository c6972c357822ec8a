import { ContentIds, quote } from './compare';
import {
  ChangeSeverity,
  ContractChange,
  ContractChangeRuleId,
  MORE_CHANGES_RULE,
  severityOf,
} from './rules';

/** The most changes listed; the rest are counted in a last change. @public */
export const MAX_CONTRACT_CHANGES = 500;

const MAX_PATH_LENGTH = 300;
const MAX_MESSAGE_LENGTH = 1000;

const SEVERITIES: ChangeSeverity[] = ['breaking', 'non-breaking', 'patch'];

function cut(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/**
 * The changes found, most severe first and in document order within a severity, bounded: at
 * most {@link MAX_CONTRACT_CHANGES} are kept, the others only counted by severity.
 */
export class ChangeList {
  /** The contents of the contracts' values, each read once. */
  readonly ids = new ContentIds();

  private readonly kept = new Map<ChangeSeverity, ContractChange[]>(
    SEVERITIES.map(severity => [severity, []]),
  );
  private readonly counts = new Map<ChangeSeverity, number>(
    SEVERITIES.map(severity => [severity, 0]),
  );

  add(rule: ContractChangeRuleId, path: string, message: string): void {
    const severity = severityOf(rule);
    this.counts.set(severity, this.counts.get(severity)! + 1);
    const kept = this.kept.get(severity)!;
    if (kept.length < MAX_CONTRACT_CHANGES) {
      kept.push({
        rule,
        severity,
        path: cut(path, MAX_PATH_LENGTH),
        message: cut(message, MAX_MESSAGE_LENGTH),
      });
    }
  }

  /**
   * The changes, at most {@link MAX_CONTRACT_CHANGES}: when there are more, the last one
   * counts those left out and has the severity of the most severe of them, so the changes
   * listed still need the same version bump as all of them.
   */
  list(): ContractChange[] {
    const all = SEVERITIES.flatMap(severity => this.kept.get(severity)!);
    const total = SEVERITIES.reduce((sum, s) => sum + this.counts.get(s)!, 0);
    if (total <= MAX_CONTRACT_CHANGES) return all;
    const shown = all.slice(0, MAX_CONTRACT_CHANGES - 1);
    const left = SEVERITIES.map(severity => ({
      severity,
      count:
        this.counts.get(severity)! -
        shown.filter(change => change.severity === severity).length,
    })).filter(({ count }) => count > 0);
    shown.push({
      rule: MORE_CHANGES_RULE,
      severity: left[0].severity,
      path: '',
      message: `and ${total - shown.length} more changes (${left
        .map(({ severity, count }) => `${count} ${severity}`)
        .join(', ')})`,
    });
    return shown;
  }
}

/** The entries of `b` that `a` does not have, counted as a multiset of contents. */
function entriesMissing(
  a: unknown[],
  b: unknown[],
  ids: ContentIds,
): unknown[] {
  const counts = new Map<number, number>();
  for (const item of a) {
    const key = ids.of(item);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return b.filter(item => {
    const key = ids.of(item);
    const count = counts.get(key) ?? 0;
    counts.set(key, count - 1);
    return count <= 0;
  });
}

/**
 * A change for a message: `maxLength added: 10`, `removed (was 10)`, `changed from 10 to 20`;
 * for lists, the entries added and removed.
 */
export function describeChange(
  what: string,
  oldValue: unknown,
  newValue: unknown,
): string {
  if (oldValue === undefined) return `${what} added: ${quote(newValue)}`;
  if (newValue === undefined) return `${what} removed (was ${quote(oldValue)})`;
  if (Array.isArray(oldValue) && Array.isArray(newValue)) {
    const ids = new ContentIds();
    const added = entriesMissing(oldValue, newValue, ids);
    const removed = entriesMissing(newValue, oldValue, ids);
    const parts = [
      added.length ? `added ${quote(added)}` : '',
      removed.length ? `removed ${quote(removed)}` : '',
    ].filter(Boolean);
    return `${what} changed: ${parts.join('; ') || 'entries changed'}`;
  }
  return `${what} changed from ${quote(oldValue)} to ${quote(newValue)}`;
}
