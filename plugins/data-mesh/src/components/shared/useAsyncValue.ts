import { DependencyList, useEffect, useState } from 'react';

/** The state of a value being loaded. */
export type AsyncValue<T> = {
  loading: boolean;
  value?: T;
  error?: Error;
};

/** Runs `load` when the dependencies change and tracks its result; stale results are dropped. */
export function useAsyncValue<T>(
  load: () => Promise<T>,
  deps: DependencyList,
): AsyncValue<T> {
  const [state, setState] = useState<AsyncValue<T>>({ loading: true });
  useEffect(() => {
    let current = true;
    setState({ loading: true });
    load().then(
      value => current && setState({ loading: false, value }),
      error => current && setState({ loading: false, error }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}
