import { useState, type FormEvent } from 'react';
import { request } from '../api.ts';
import { type Connection, nodes } from '../queries.ts';
import { href } from '../router.ts';
import { useQuery, useViewer } from '../session.tsx';
import { Empty, ErrorBox, Loading, points, Section, Time } from '../ui.tsx';

/**
 * Settings (ADMIN): enforcement mode, indicators, threat intelligence, asset criticality,
 * watchlists, and the learning-mode "would have alerted" list.
 */
interface SettingsData {
  settings: { mode: string; version: number; updatedAt: string | null; updatedBy: string | null; disabledIndicatorFamilies: string[] };
  indicators: Connection<{ id: string; family: string; title: string; anchorScore: number; enabled: boolean; overridden: boolean; dataSources: string[] }>;
  ips: Connection<{ value: string; source: string; addedAt: string }> & { totalCount: number };
  domains: Connection<{ value: string; source: string; addedAt: string }> & { totalCount: number };
  criticalAssets: Connection<{ id: string; key: string; criticality: number | null }>;
  watchlists: Connection<{ name: string; size: number; members: Connection<{ key: string }> }>;
  wouldHaveAlerted: Connection<{ id: string; start: string; score: number | null; shadowScore: number | null; user: { key: string } }> & { threshold: number };
}

const SETTINGS = `query Settings {
  settings { mode version updatedAt updatedBy disabledIndicatorFamilies }
  indicators(first: 100) { edges { node { id family title anchorScore enabled overridden dataSources } } }
  ips: threatIntel(kind: IP, first: 20) { totalCount edges { node { value source addedAt } } }
  domains: threatIntel(kind: DOMAIN, first: 20) { totalCount edges { node { value source addedAt } } }
  criticalAssets(first: 50) { edges { node { id key criticality } } }
  watchlists(first: 50) { edges { node { name size members(first: 20) { edges { node { key } } } } } }
  wouldHaveAlerted(first: 20) { threshold edges { node { id start score shadowScore user { key } } } }
}`;

export function SettingsPage() {
  const viewer = useViewer();
  const load = useQuery<SettingsData>(SETTINGS, {}, viewer.role !== 'ADMIN');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (viewer.role !== 'ADMIN') return <Empty>Settings are for ADMIN keys; you are signed in as {viewer.role}.</Empty>;
  if (load.state === 'loading') return <Loading what="settings" />;
  if (load.state === 'error') return <ErrorBox error={load.error} onRetry={load.reload} />;
  const data = load.data;

  const mutate = async (query: string, variables: Record<string, unknown>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await request(viewer.token, query, variables);
      setNotice(done);
      load.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="page settings-page">
      <header className="page-head">
        <h1>Settings</h1>
        <div className="facts small">
          version {data.settings.version}
          {data.settings.updatedAt ? (
            <>
              , changed <Time iso={data.settings.updatedAt} /> by {data.settings.updatedBy}
            </>
          ) : null}
        </div>
      </header>
      {error ? <ErrorBox error={error} /> : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <div className="columns">
        <Section title="Enforcement mode">
          <p>
            Mode in force: <strong data-testid="mode">{data.settings.mode}</strong>
          </p>
          <div className="actions">
            {['LEARNING', 'ENFORCEMENT'].map((mode) => (
              <button key={mode} type="button" disabled={mode === data.settings.mode} onClick={() => void mutate('mutation ($mode: EnforcementMode!) { setEnforcementMode(mode: $mode) { mode } }', { mode }, `Mode set to ${mode}.`)}>
                Switch to {mode.toLowerCase()}
              </button>
            ))}
          </div>
          <p className="small muted">Learning mode scores anomalies but raises no alerts; below, what enforcement would have raised.</p>
        </Section>
        <Section title={`Would have alerted (shadow score ≥ ${data.wouldHaveAlerted.threshold})`}>
          {data.wouldHaveAlerted.edges.length === 0 ? (
            <Empty>No session would have alerted with enforcement on.</Empty>
          ) : (
            <table className="grid compact">
              <tbody>
                {data.wouldHaveAlerted.edges.map(({ node: s }) => (
                  <tr key={s.id}>
                    <td>
                      <a href={href('session', s.id)}>
                        <Time iso={s.start} short />
                      </a>
                    </td>
                    <td>{s.user.key}</td>
                    <td className="num">
                      {points(s.score)} → {points(s.shadowScore)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>
      <Section title="Indicators">
        <table className="grid compact">
          <thead>
            <tr>
              <th scope="col">Indicator</th>
              <th scope="col">Family</th>
              <th scope="col" className="num">Anchor</th>
              <th scope="col">Data sources</th>
              <th scope="col">Enabled</th>
            </tr>
          </thead>
          <tbody>
            {nodes(data.indicators).map((i) => (
              <tr key={i.id}>
                <td>
                  {i.title} <code className="small">{i.id}</code> {i.overridden ? <span className="tag">configured</span> : null}
                </td>
                <td>{i.family}</td>
                <td className="num">{i.anchorScore}</td>
                <td className="small">{i.dataSources.join(', ')}</td>
                <td>
                  <input
                    type="checkbox"
                    checked={i.enabled}
                    aria-label={`${i.enabled ? 'disable' : 'enable'} ${i.id}`}
                    onChange={() => void mutate('mutation ($input: IndicatorConfigInput!) { configureIndicator(input: $input) { id enabled } }', { input: { id: i.id, enabled: !i.enabled } }, `${i.id} ${i.enabled ? 'disabled' : 'enabled'}.`)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <div className="columns">
        <Section title={`Threat intelligence (${data.ips.totalCount} IPs, ${data.domains.totalCount} domains)`}>
          <ThreatIntelForm onSubmit={(kind, values, source) => mutate('mutation ($input: ThreatIntelInput!) { addThreatIntel(input: $input) { added total } }', { input: { kind, values, source } }, `Listed ${values.length} ${kind === 'IP' ? 'addresses' : 'domains'}.`)} />
          <ul className="plain small">
            {[...nodes(data.ips), ...nodes(data.domains)].map((t) => (
              <li key={t.value}>
                <code>{t.value}</code> <span className="muted">{t.source}</span> <Time iso={t.addedAt} short />
              </li>
            ))}
          </ul>
        </Section>
        <Section title="Asset criticality">
          <KeyValueForm
            labels={['Asset (e.g. PAYROLL-DB)', 'Criticality 0.1–10']}
            submitLabel="Rate asset"
            onSubmit={(asset, value) => mutate('mutation ($id: ID!, $c: Float) { setAssetCriticality(assetId: $id, criticality: $c) { id criticality } }', { id: asset.includes(':') ? asset : `Asset:${asset}`, c: Number(value) }, `Rated ${asset} ×${value}.`)}
          />
          <ul className="plain small">
            {nodes(data.criticalAssets).map((a) => (
              <li key={a.id}>
                <a href={href('graph', a.id)}>{a.key}</a> ×{a.criticality}
              </li>
            ))}
          </ul>
        </Section>
        <Section title="Watchlists">
          <KeyValueForm
            labels={['List name', 'User keys, comma-separated']}
            submitLabel="Add to watchlist"
            onSubmit={(list, users) => mutate('mutation ($list: String!, $users: [ID!]!) { addToWatchlist(list: $list, userIds: $users) { name size } }', { list, users: users.split(',').map((u) => u.trim()).filter(Boolean) }, `Updated watchlist ${list}.`)}
          />
          <ul className="plain small">
            {nodes(data.watchlists).map((w) => (
              <li key={w.name}>
                <strong>{w.name}</strong> ({w.size}): {nodes(w.members).map((m) => m.key).join(', ')}
              </li>
            ))}
          </ul>
        </Section>
      </div>
    </div>
  );
}

function ThreatIntelForm({ onSubmit }: { onSubmit: (kind: 'IP' | 'DOMAIN', values: string[], source: string) => Promise<void> }) {
  const [kind, setKind] = useState<'IP' | 'DOMAIN'>('IP');
  const [values, setValues] = useState('');
  const [source, setSource] = useState('console');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const list = values.split(/[\s,]+/).filter(Boolean);
    if (list.length > 0) void onSubmit(kind, list, source).then(() => setValues(''));
  };
  return (
    <form onSubmit={submit} className="stack">
      <label>
        Kind{' '}
        <select value={kind} onChange={(e) => setKind(e.target.value as 'IP' | 'DOMAIN')}>
          <option value="IP">IP</option>
          <option value="DOMAIN">DOMAIN</option>
        </select>
      </label>
      <label>
        Values <textarea rows={2} value={values} onChange={(e) => setValues(e.target.value)} placeholder="203.0.113.7 evil.example" />
      </label>
      <label>
        Source <input value={source} onChange={(e) => setSource(e.target.value)} />
      </label>
      <button type="submit">List</button>
    </form>
  );
}

function KeyValueForm({ labels, submitLabel, onSubmit }: { labels: [string, string]; submitLabel: string; onSubmit: (a: string, b: string) => Promise<void> }) {
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (a.trim() && b.trim()) void onSubmit(a.trim(), b.trim()).then(() => setB(''));
  };
  return (
    <form onSubmit={submit} className="stack">
      <label>
        {labels[0]} <input value={a} onChange={(e) => setA(e.target.value)} />
      </label>
      <label>
        {labels[1]} <input value={b} onChange={(e) => setB(e.target.value)} />
      </label>
      <button type="submit">{submitLabel}</button>
    </form>
  );
}
