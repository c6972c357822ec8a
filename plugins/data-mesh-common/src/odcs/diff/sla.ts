import { serviceLevelDurationMs } from '../../util/serviceLevelDuration';
import { listOf } from '../schemaProperties';
import { OdcsSlaProperty } from '../types';
import { ChangeList } from './changes';
import { pairUp, quote, text } from './compare';
import { diffCustomProperties, diffFields, FieldChange } from './fields';

/** A time of day such as `09:00-08:00` in minutes after midnight UTC. */
function minutesOfDay(value: unknown): number | undefined {
  const time =
    typeof value === 'string'
      ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?(Z|([+-])(\d{2}):?(\d{2}))?$/.exec(
          value,
        )
      : null;
  if (!time) return undefined;
  const [, h, m, , , sign, oh, om] = time;
  const offset = sign
    ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om))
    : 0;
  return Number(h) * 60 + Number(m) - offset;
}

type Measure = (sla: OdcsSlaProperty) => number | undefined;

const duration: Measure = sla => {
  const ms = serviceLevelDurationMs(sla.value, sla.unit);
  return typeof ms === 'number' ? ms : undefined;
};
const date: Measure = sla => {
  const time = typeof sla.value === 'string' ? Date.parse(sla.value) : NaN;
  return Number.isNaN(time) ? undefined : time;
};
const timeOfDay: Measure = sla => minutesOfDay(sla.value);
/** A plain number (`99.9`, `"99.9%"`); compared only in the same unit. */
const amount: Measure = sla => {
  const value =
    typeof sla.value === 'string'
      ? Number(sla.value.replace(/%$/, ''))
      : sla.value;
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
};

/**
 * How each ODCS service level is measured and which way is better for consumers: a larger
 * latency is relaxed, a smaller retention is relaxed, a lower availability is relaxed.
 */
const SLA_SEMANTICS: Record<
  string,
  { measure: Measure; better: 'lower' | 'higher' }
> = {
  latency: { measure: duration, better: 'lower' },
  freshness: { measure: duration, better: 'lower' },
  frequency: { measure: duration, better: 'lower' },
  timetodetect: { measure: duration, better: 'lower' },
  timetonotify: { measure: duration, better: 'lower' },
  timetorepair: { measure: duration, better: 'lower' },
  retention: { measure: duration, better: 'higher' },
  availability: { measure: amount, better: 'higher' },
  throughput: { measure: amount, better: 'higher' },
  errorrate: { measure: amount, better: 'lower' },
  generalavailability: { measure: date, better: 'lower' },
  endofsupport: { measure: date, better: 'higher' },
  endoflife: { measure: date, better: 'higher' },
  timeofavailability: { measure: timeOfDay, better: 'lower' },
};

/** `4 d`, `PT1H`: a service level's value as written. */
function written(sla: OdcsSlaProperty): string {
  const value = typeof sla.value === 'string' ? sla.value : quote(sla.value);
  return sla.unit === undefined ? value : `${value} ${sla.unit}`;
}

/** Compares the value of one service level (`value`, `unit`, `valueExt`). */
function compareValues(
  list: ChangeList,
  path: string,
  subject: string,
  oldSla: OdcsSlaProperty,
  newSla: OdcsSlaProperty,
): void {
  const valueOf = (sla: OdcsSlaProperty) => ({
    value: sla.value,
    unit: sla.unit,
  });
  if (!list.ids.same(valueOf(oldSla), valueOf(newSla))) {
    const change = `${written(oldSla)} to ${written(newSla)}`;
    const semantics = SLA_SEMANTICS[String(oldSla.property).toLowerCase()];
    let a = semantics?.measure(oldSla);
    let b = semantics?.measure(newSla);
    if (
      semantics?.measure === amount &&
      !list.ids.same(oldSla.unit, newSla.unit)
    ) {
      a = b = undefined;
    }
    if (semantics && a !== undefined && b !== undefined) {
      if (a !== b) {
        const better = b < a === (semantics.better === 'lower');
        list.add(
          better ? 'sla-improved' : 'sla-relaxed',
          `${path}.value`,
          `${subject}: ${change}: ${better ? 'improved' : 'relaxed'}`,
        );
      }
    } else {
      list.add(
        'sla-relaxed',
        `${path}.value`,
        `${subject}: ${change}: ${
          semantics
            ? 'the values are not comparable'
            : 'which way is better is not known for this service level'
        }, so the change counts as relaxed`,
      );
    }
  }
  if (!list.ids.same(oldSla.valueExt, newSla.valueExt)) {
    list.add(
      'sla-relaxed',
      `${path}.valueExt`,
      `${subject}: valueExt changed from ${quote(oldSla.valueExt)} to ${quote(
        newSla.valueExt,
      )}; its meaning is not known, so the change counts as relaxed`,
    );
  }
}

/** A service level's label: `latency`, `latency of tbl.col`, `... (regulatory)`. */
function slaLabel(sla: OdcsSlaProperty): string {
  const element = text(sla.element);
  const driver = text(sla.driver);
  return `${text(sla.property) ?? 'unnamed'}${element ? ` of ${element}` : ''}${
    driver ? ` (${driver})` : ''
  }`;
}

const SLA_FIELDS = {
  id: 'ignore',
  property: 'ignore',
  element: 'ignore',
  value: 'ignore',
  unit: 'ignore',
  valueExt: 'ignore',
  driver: 'documentation-changed',
  description: 'documentation-changed',
  scheduler: 'metadata-changed',
  schedule: 'metadata-changed',
  customProperties: diffCustomProperties,
} as const;

/**
 * Compares `slaProperties`: service levels are paired by id, then property, element and
 * driver, then property and element; a removed one is relaxed, an added one improved.
 */
export function diffSlaProperties({
  list,
  path,
  oldValue,
  newValue,
}: FieldChange): void {
  const olds = listOf<OdcsSlaProperty>(oldValue);
  const news = listOf<OdcsSlaProperty>(newValue);
  const key = (sla: OdcsSlaProperty) => `${sla.property}|${sla.element ?? ''}`;
  const { pairs, removed, added } = pairUp(olds, news, [
    sla => text(sla.id),
    sla => `${key(sla)}|${sla.driver ?? ''}`,
    key,
  ]);
  for (const { item: sla } of removed) {
    list.add(
      'sla-relaxed',
      `${path}[${slaLabel(sla)}]`,
      `Service level ${slaLabel(sla)} (${written(sla)}) removed`,
    );
  }
  for (const { item: sla } of added) {
    list.add(
      'sla-improved',
      `${path}[${slaLabel(sla)}]`,
      `Service level ${slaLabel(sla)} (${written(sla)}) added`,
    );
  }
  for (const { before: oldSla, after: newSla } of pairs) {
    const slaPath = `${path}[${slaLabel(newSla)}]`;
    const subject = `Service level ${slaLabel(newSla)}`;
    compareValues(list, slaPath, subject, oldSla, newSla);
    diffFields(list, slaPath, subject, oldSla, newSla, SLA_FIELDS);
  }
}
