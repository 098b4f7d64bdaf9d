import { useEffect, useState } from 'react';

/**
 * Hash routing: every page has a URL (`/console/#/session/<id>`) an analyst can paste into a
 * ticket, and the server only has to serve one index.html.
 */
export interface Route {
  page: string;
  /** Path segments after the page name, URI-decoded. */
  args: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?');
  const parts = path.split('/').filter((p) => p.length > 0).map((p) => decodeURIComponent(p));
  return { page: parts[0] ?? 'overview', args: parts.slice(1), query: new URLSearchParams(search) };
}

export function href(page: string, ...args: string[]): string {
  return `#/${[page, ...args.map((a) => encodeURIComponent(a))].join('/')}`;
}

export function navigate(to: string): void {
  location.hash = to.startsWith('#') ? to.slice(1) : to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
