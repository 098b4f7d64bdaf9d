import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type Connection, nodes } from '../queries.ts';
import { href } from '../router.ts';
import { seesEvidence, useQuery, useViewer } from '../session.tsx';
import { Badge, Empty, EntityLink, ErrorBox, Loading, points, Section, Time } from '../ui.tsx';

/** User: identity and HR status, risk history with the sessions that moved it, peer groups, findings, sessions. */
interface UserData {
  user: {
    id: string;
    key: string;
    name: string | null;
    department: string | null;
    title: string | null;
    location: string | null;
    email?: string | null;
    manager: { key: string; name: string | null } | null;
    employmentStatus: string;
    statusEffective: string | null;
    lastDay: string | null;
    firstSeen: string | null;
    lastSeen: string | null;
    eventCount: number;
    riskScore: number;
    riskLevel: string;
    peakRiskScore: number;
    stepDownAccess: boolean;
    stepDownSince: string | null;
    riskHistory: Connection<{ at: string; score: number; previousScore: number; level: string; reasons: string[] }>;
    riskExplanation: { score: number; raw: number; contributions: Array<{ sessionId: string; sessionScore: number; decay: number; value: number; session: { start: string } | null }> } | null;
    peerGroups: Array<{ degree: number; rank: number | null; group: { id: string; label: string | null; kind: string; size: number; dominantDepartment: string | null } }>;
    findings: Connection<{ id: string; title: string; reason: string; at: string; learning: boolean; anchorScore: number; session: { id: string } | null }>;
    sessions: Connection<{ id: string; start: string; end: string | null; status: string; eventCount: number; score: number | null; anomalyCount: number | null }>;
  } | null;
}

function userQuery(personal: boolean): string {
  return `query User($id: ID!) { user(id: $id) {
    id key name department title location ${personal ? 'email' : ''} manager { key name }
    employmentStatus statusEffective lastDay firstSeen lastSeen eventCount
    riskScore riskLevel peakRiskScore stepDownAccess stepDownSince
    riskHistory(first: 100) { edges { node { at score previousScore level reasons } } }
    riskExplanation { score raw contributions { sessionId sessionScore decay value session { start } } }
    peerGroups { degree rank group { id label kind size dominantDepartment } }
    findings(first: 30) { edges { node { id title reason at learning anchorScore session { id } } } }
    sessions(first: 30) { edges { node { id start end status eventCount score anomalyCount } } }
  } }`;
}

export function UserPage({ id }: { id: string }) {
  const viewer = useViewer();
  const load = useQuery<UserData>(userQuery(seesEvidence(viewer)), { id });
  if (load.state === 'loading') return <Loading what={`user ${id}`} />;
  if (load.state === 'error') return <ErrorBox error={load.error} onRetry={load.reload} />;
  const user = load.data.user;
  if (user === null) return <Empty>No user {id}.</Empty>;
  const history = nodes(user.riskHistory);
  return (
    <div className="page user-page">
      <header className="page-head">
        <h1>
          {user.name ?? user.key} <span className="muted">({user.key})</span> <Badge value={user.riskLevel} />
          {user.stepDownAccess ? (
            <span className="tag danger" title="access stepped down while the risk is CRITICAL">
              access stepped down since <Time iso={user.stepDownSince} short />
            </span>
          ) : null}
        </h1>
        <div className="facts">
          <span>
            Risk <strong data-testid="user-risk">{user.riskScore.toFixed(1)}</strong> (peak {user.peakRiskScore.toFixed(1)})
          </span>
          <span>{[user.title, user.department, user.location].filter(Boolean).join(' · ') || 'no title or department on record'}</span>
          {user.email ? <span>{user.email}</span> : null}
          <span>
            HR status <strong className={user.employmentStatus === 'ACTIVE' ? '' : 'warn'}>{user.employmentStatus}</strong>
            {user.statusEffective ? (
              <>
                {' '}
                since <Time iso={user.statusEffective} short />
              </>
            ) : null}
            {user.lastDay ? (
              <>
                , last day <Time iso={user.lastDay} short />
              </>
            ) : null}
          </span>
          {user.manager ? (
            <span>
              manager <a href={href('user', user.manager.key)}>{user.manager.name ?? user.manager.key}</a>
            </span>
          ) : null}
          <span>
            {user.eventCount} events, seen <Time iso={user.firstSeen} short /> – <Time iso={user.lastSeen} short />
          </span>
          <a href={href('graph', user.id)}>Graph explorer →</a>
        </div>
      </header>
      <Section title="Risk history">
        {history.length === 0 ? <Empty>No risk changes recorded.</Empty> : <RiskChart history={history} />}
        {history.length > 0 ? (
          <ul className="moves small">
            {history.slice(0, 6).map((h) => (
              <li key={h.at}>
                <Time iso={h.at} short /> {h.previousScore.toFixed(1)} → <strong>{h.score.toFixed(1)}</strong> {h.reasons.slice(0, 2).join('; ')}
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <div className="columns">
        <Section title="Sessions that make up the risk">
          {user.riskExplanation === null || user.riskExplanation.contributions.length === 0 ? (
            <Empty>Never scored.</Empty>
          ) : (
            <table className="grid compact">
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col" className="num">Session score</th>
                  <th scope="col" className="num">Decay</th>
                  <th scope="col" className="num">Share of risk</th>
                </tr>
              </thead>
              <tbody>
                {user.riskExplanation.contributions.map((c) => (
                  <tr key={c.sessionId}>
                    <td>
                      <a href={href('session', c.sessionId)}>{c.session ? <Time iso={c.session.start} short /> : c.sessionId}</a>
                    </td>
                    <td className="num">{points(c.sessionScore)}</td>
                    <td className="num">{c.decay.toFixed(2)}</td>
                    <td className="num">{points(c.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        <Section title="Peer groups">
          {user.peerGroups.length === 0 ? (
            <Empty>No active peer group yet (built by the periodic job).</Empty>
          ) : (
            <ul className="plain">
              {user.peerGroups.map((m) => (
                <li key={m.group.id}>
                  <strong>{m.group.label ?? m.group.id}</strong> <span className="muted">({m.group.kind}, {m.group.size} members{m.group.dominantDepartment ? `, mostly ${m.group.dominantDepartment}` : ''})</span>
                  <meter min={0} max={1} value={m.degree} title={`degree of membership ${m.degree.toFixed(2)}`} /> {m.degree.toFixed(2)}
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
      <div className="columns">
        <Section title="Findings">
          {nodes(user.findings).length === 0 ? (
            <Empty>No findings.</Empty>
          ) : (
            <table className="grid compact">
              <tbody>
                {nodes(user.findings).map((f) => (
                  <tr key={f.id}>
                    <td>
                      <Time iso={f.at} short />
                    </td>
                    <td>
                      <strong>{f.title}</strong> {f.learning ? <span className="tag">learning</span> : null}
                      <div className="small">{f.reason}</div>
                    </td>
                    <td>{f.session ? <a href={href('session', f.session.id)}>session</a> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        <Section title="Sessions">
          {nodes(user.sessions).length === 0 ? (
            <Empty>No sessions.</Empty>
          ) : (
            <table className="grid compact">
              <thead>
                <tr>
                  <th scope="col">Start</th>
                  <th scope="col" className="num">Events</th>
                  <th scope="col" className="num">Findings</th>
                  <th scope="col" className="num">Score</th>
                </tr>
              </thead>
              <tbody>
                {nodes(user.sessions).map((s) => (
                  <tr key={s.id}>
                    <td>
                      <a href={href('session', s.id)}>
                        <Time iso={s.start} short />
                      </a>
                      {s.status === 'OPEN' ? <span className="tag">open</span> : null}
                    </td>
                    <td className="num">{s.eventCount}</td>
                    <td className="num">{s.anomalyCount ?? 0}</td>
                    <td className="num">{points(s.score)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>
      <p className="small muted">
        Related: <EntityLink id={user.id} label="neighbourhood" />
      </p>
    </div>
  );
}

/** uPlot line of the risk score over time (history arrives newest first). */
function RiskChart({ history }: { history: Array<{ at: string; score: number; previousScore: number }> }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const ordered = [...history].reverse();
    // The line starts from the score before the first recorded change (a day earlier), so a
    // single change still draws as a rise and the time axis spans days, not uPlot's default.
    const first = ordered[0]!;
    const xs = [Date.parse(first.at) / 1000 - 86_400, ...ordered.map((h) => Date.parse(h.at) / 1000)];
    const ys = [first.previousScore, ...ordered.map((h) => h.score)];
    const width = Math.max(320, element.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 200,
        scales: { x: { time: true }, y: { range: [0, 100] } },
        series: [{}, { label: 'risk', stroke: '#d23c3c', width: 2, paths: uPlot.paths.stepped!({ align: 1 }), fill: 'rgba(210,60,60,0.08)', points: { show: true, size: 6 } }],
        axes: [{ stroke: '#99a' }, { stroke: '#99a', label: 'risk 0–100' }],
        legend: { show: true },
      },
      [xs, ys],
      element,
    );
    return () => plot.destroy();
  }, [history]);
  return <div ref={ref} className="chart" data-testid="risk-chart" />;
}
