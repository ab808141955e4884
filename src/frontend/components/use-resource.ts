import { useCallback, useEffect, useRef, useState } from 'react';
import { toResolverError, type ResolverError } from '../api';

export type Resource<T> =
  | { state: 'loading'; data?: undefined; error?: undefined }
  | { state: 'error'; data?: undefined; error: ResolverError }
  | { state: 'ready'; data: T; error?: undefined };

/** Loads data on mount and whenever `deps` change; `reload` refetches, `replace` swaps the data in place. */
export const useResource = <T>(load: () => Promise<T>, deps: readonly unknown[]) => {
  const [resource, setResource] = useState<Resource<T>>({ state: 'loading' });
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setResource((current) => (current.state === 'ready' ? current : { state: 'loading' }));
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setResource({ state: 'ready', data });
    } catch (error) {
      if (mine === generation.current) setResource({ state: 'error', error: toResolverError(error) });
    }
  }, []);

  useEffect(() => {
    setResource({ state: 'loading' });
    void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const replace = useCallback((data: T) => {
    generation.current++;
    setResource({ state: 'ready', data });
  }, []);

  return { resource, reload, replace };
};
