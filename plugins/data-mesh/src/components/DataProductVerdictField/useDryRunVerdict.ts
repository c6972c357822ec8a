import { useApi } from '@backstage/core-plugin-api';
import { EvaluateResponse } from '@datamesh-portal/plugin-data-mesh-common';
import { useEffect, useState } from 'react';
import { dataMeshApiRef } from '../../api';

/** How long the form must stay unchanged before its draft is evaluated, in milliseconds. */
export const VERDICT_DEBOUNCE_MS = 600;

/** The latest dry run of a draft: its verdict or its error, and whether a newer one is due. */
export interface DryRunVerdict {
  value?: EvaluateResponse;
  error?: Error;
  /** The draft changed since `value` or `error`: its dry run is waiting or under way. */
  checking: boolean;
}

/**
 * The dry run (`POST /evaluate`) of a draft entity, given as its JSON so that equal drafts are
 * evaluated once: `delayMs` after its last change, with the answers to earlier drafts dropped
 * when they arrive late. Without a draft, nothing is evaluated.
 */
export function useDryRunVerdict(
  draftJson: string | undefined,
  delayMs: number = VERDICT_DEBOUNCE_MS,
): DryRunVerdict {
  const dataMeshApi = useApi(dataMeshApiRef);
  const [result, setResult] = useState<{
    draftJson: string;
    value?: EvaluateResponse;
    error?: Error;
  }>();

  useEffect(() => {
    if (!draftJson) return undefined;
    let current = true;
    const timer = setTimeout(() => {
      dataMeshApi.dryRun({ entity: JSON.parse(draftJson) }).then(
        value => {
          if (current) setResult({ draftJson, value });
        },
        error => {
          if (current) setResult({ draftJson, error });
        },
      );
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [dataMeshApi, draftJson, delayMs]);

  return {
    value: result?.value,
    error: result?.error,
    checking: Boolean(draftJson) && result?.draftJson !== draftJson,
  };
}
