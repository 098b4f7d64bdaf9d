import { StrictMode, useEffect, useRef, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { AlertsPage, isTyping } from './pages/alerts.tsx';
import { GraphPage } from './pages/graph.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { SessionPage } from './pages/session.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { UserPage } from './pages/user.tsx';
import { href, navigate, useRoute } from './router.ts';
import { Provider, rememberToken, signIn, storedToken, type Viewer } from './session.tsx';
import { Empty, Loading } from './ui.tsx';
import './styles.css';

/** The shell: sign-in, navigation (keys 1–5 and / for search), and one page per URL. */
const PAGES = [
  { page: 'overview', label: 'Overview', key: '1' },
  { page: 'alerts', label: 'Alerts', key: '2' },
  { page: 'graph', label: 'Graph explorer', key: '3' },
  { page: 'settings', label: 'Settings', key: '4', admin: true },
] as const;

function App() {
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);

  useEffect(() => {
    const token = storedToken();
    if (token === null) return;
    signIn(token)
      .then(setViewer, () => rememberToken(null))
      .finally(() => setRestoring(false));
  }, []);

  if (restoring) return <Loading what="your session" />;
  if (viewer === null) {
    return (
      <SignIn
        onSignedIn={(v) => {
          rememberToken(v.token);
          setViewer(v);
        }}
      />
    );
  }
  return (
    <Provider viewer={viewer}>
      <Shell
        viewer={viewer}
        onSignOut={() => {
          rememberToken(null);
          setViewer(null);
        }}
      />
    </Provider>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (viewer: Viewer) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    signIn(token.trim())
      .then(onSignedIn, (e: unknown) => setError((e as Error).message))
      .finally(() => setBusy(false));
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-label="sign in">
        <h1>
          risk<span className="accent">graph</span> console
        </h1>
        <p className="muted">Sign in with an API key (ADMIN, ANALYST or DASHBOARD) or the admin token that `riskgraph serve` printed.</p>
        <label htmlFor="token">Token</label>
        <input id="token" name="token" type="password" autoComplete="off" autoFocus value={token} onChange={(e) => setToken(e.target.value)} />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error ? (
          <p className="state error" role="alert">
            {error}
          </p>
        ) : null}
        <p className="small muted">The token stays in this browser tab (session storage) and goes only to this server.</p>
      </form>
    </main>
  );
}

function Shell({ viewer, onSignOut }: { viewer: Viewer; onSignOut: () => void }) {
  const route = useRoute();
  const search = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event)) {
        if (event.key === 'Escape') (event.target as HTMLElement).blur();
        return;
      }
      if (event.key === '/') {
        event.preventDefault();
        search.current?.focus();
        return;
      }
      const page = PAGES.find((p) => p.key === event.key);
      if (page) navigate(href(page.page));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const go = (event: FormEvent) => {
    event.preventDefault();
    const value = query.trim();
    if (value === '') return;
    navigate(value.includes(':') ? href('graph', value) : href('user', value));
    setQuery('');
  };

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href('overview')}>
          risk<span className="accent">graph</span>
        </a>
        <nav aria-label="pages">
          {PAGES.filter((p) => !('admin' in p) || viewer.role === 'ADMIN').map((p) => (
            <a key={p.page} href={href(p.page)} aria-current={route.page === p.page ? 'page' : undefined} title={`key ${p.key}`}>
              {p.label}
            </a>
          ))}
        </nav>
        <form onSubmit={go} className="search" role="search">
          <input ref={search} value={query} onChange={(e) => setQuery(e.target.value)} placeholder="user key or Type:key  ( / )" aria-label="go to a user or entity" />
        </form>
        <span className="whoami" data-testid="whoami">
          {viewer.principal} · <strong>{viewer.role}</strong>
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </div>
  );
}

function Page({ route }: { route: ReturnType<typeof useRoute> }) {
  const [first] = route.args;
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'user':
      return first ? <UserPage key={first} id={first} /> : <Empty>Which user? Use the search box.</Empty>;
    case 'session':
      return first ? <SessionPage key={first} id={first} /> : <Empty>Which session?</Empty>;
    case 'graph':
      return <GraphPage id={first} depth={route.query.get('depth') === '2' ? 2 : 1} to={route.query.get('to') ?? undefined} />;
    case 'alerts':
      return <AlertsPage selectedId={first} filter={route.query.get('filter') ?? 'open'} />;
    case 'settings':
      return <SettingsPage />;
    default:
      return <Empty>No page “{route.page}”. <a href={href('overview')}>Back to the overview</a>.</Empty>;
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
