import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, closeSubscriptions, request, type GqlResult } from './api.ts';

/** Who is signed in: the token (kept in this tab's sessionStorage) and the role the API reports. */
export interface Viewer {
  token: string;
  principal: string;
  role: Role;
}

export type Role = 'ADMIN' | 'ANALYST' | 'DASHBOARD' | 'HR_INTEGRATION' | 'INGEST' | 'IDP';

const STORAGE_KEY = 'riskgraph.console.token';
const CONSOLE_ROLES: readonly Role[] = ['ADMIN', 'ANALYST', 'DASHBOARD'];

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (viewer === null) throw new Error('useViewer outside a signed-in console');
  return viewer;
}

/** ADMIN and ANALYST see evidence (observed values, event ids, timelines); DASHBOARD does not. */
export function seesEvidence(viewer: Viewer): boolean {
  return viewer.role === 'ADMIN' || viewer.role === 'ANALYST';
}

export async function signIn(token: string): Promise<Viewer> {
  const { data } = await request<{ apiInfo: { principal: string; role: Role } }>(token, '{ apiInfo { principal role } }');
  if (!CONSOLE_ROLES.includes(data.apiInfo.role)) {
    throw new ApiError(`a ${data.apiInfo.role} key cannot use the console; sign in with an ADMIN, ANALYST or DASHBOARD key`, 403, 'FORBIDDEN');
  }
  return { token, principal: data.apiInfo.principal, role: data.apiInfo.role };
}

export function storedToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function rememberToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, token);
  if (token === null) closeSubscriptions();
}

export type Load<D> =
  | { state: 'loading'; data?: undefined; error?: undefined }
  | { state: 'error'; data?: undefined; error: string }
  | { state: 'ready'; data: D; errors: GqlResult<D>['errors']; error?: undefined };

/** Runs a query when its inputs change; `reload` runs it again (after a mutation). */
export function useQuery<D>(query: string, variables: Record<string, unknown>, skip = false): Load<D> & { reload: () => void } {
  const viewer = useViewer();
  const [load, setLoad] = useState<Load<D>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  const latest = useRef(0);
  useEffect(() => {
    if (skip) return;
    const ticket = ++latest.current;
    setLoad((previous) => (previous.state === 'ready' && generation > 0 ? previous : { state: 'loading' }));
    request<D>(viewer.token, query, variables).then(
      (result) => {
        if (ticket === latest.current) setLoad({ state: 'ready', data: result.data, errors: result.errors });
      },
      (error: unknown) => {
        if (ticket === latest.current) setLoad({ state: 'error', error: (error as Error).message });
      },
    );
    // `key` stands for `variables` (a new object every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewer.token, query, key, generation, skip]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...load, reload };
}

export function Provider({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}
