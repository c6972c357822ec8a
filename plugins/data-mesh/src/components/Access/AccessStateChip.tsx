import { AccessRequestState } from '@datamesh-portal/plugin-data-mesh-common';
import { Tone, ToneChip } from '../shared';

/**
 * Each state's colour and what it means for the consumer: only `active` is green (the data
 * can be read), a request awaiting a decision is orange, a failed grant red; ended agreements
 * are quiet.
 */
const STATES: Record<
  AccessRequestState,
  { tone: Tone; outlined?: boolean; meaning: string }
> = {
  requested: {
    tone: 'warning',
    meaning: 'Awaiting a decision by an owner of the product',
  },
  approved: {
    tone: 'info',
    meaning: 'Approved; access is being granted on the data server',
  },
  active: { tone: 'success', meaning: 'Granted: the consumer reads the data' },
  failed: {
    tone: 'error',
    meaning: 'Approved, but granting access failed; it is retried',
  },
  rejected: {
    tone: 'error',
    outlined: true,
    meaning: 'Rejected by an owner',
  },
  revoked: {
    tone: 'neutral',
    meaning: 'Revoked by an owner; access was taken away',
  },
  expired: {
    tone: 'neutral',
    outlined: true,
    meaning: 'Ended on its until date; access was taken away',
  },
};

/** The state of an agreement as a chip in its colour, its meaning as the tooltip. */
export function AccessStateChip(props: { state: AccessRequestState }) {
  const style = STATES[props.state] ?? { tone: 'neutral', meaning: '' };
  return (
    <ToneChip
      tone={style.tone}
      variant={style.outlined ? 'outlined' : 'default'}
      label={props.state}
      title={style.meaning}
    />
  );
}
