import { type Connection, nodes } from '../queries.ts';
import { href } from '../router.ts';
import { seesEvidence, useQuery, useViewer } from '../session.tsx';
import { Badge, Empty, EntityLink, ErrorBox, Loading, points, Section, Time, UserLink } from '../ui.tsx';

/**
 * Session: the score's explanation as a waterfall (each bar one finding's contribution, the bars
 * add up to the score; anchor, calibration and down-weight shown per bar), the event timeline and
 * the entities touched. Evidence and the timeline are left out of the query for DASHBOARD keys.
 */
interface Contribution {
  indicatorId: string;
  title: string;
  reason: string;
  value: number;
  unscored: string | null;
  at: string;
  pValue: number | null;
  fact: string | null;
  weights: {
    anchor: number;
    calibration: Array<{ name: string; factor: number; reason: string }>;
    calibrationProduct: number;
    downWeight: number;
    populationTriggerRate: number;
    userTriggerRate: number;
  };
  observed?: unknown;
  baseline?: unknown;
  eventIds?: string[] | null;
}

interface TimelineEvent {
  id: string;
  at: string;
  category: string;
  action: string;
  outcome: string | null;
  target: string | null;
  targetType: string | null;
  ip: string | null;
  country: string | null;
  city: string | null;
  bytesIn: number | null;
  bytesOut: number | null;
}

interface SessionData {
  session: {
    id: string;
    start: string;
    end: string | null;
    status: string;
    closeReason: string | null;
    eventCount: number;
    score: number | null;
    shadowScore: number | null;
    scoredAt: string | null;
    ips: string[];
    countries: string[];
    bytesIn: number;
    bytesOut: number;
    user: { key: string; name: string | null; riskScore: number; riskLevel: string; employmentStatus: string; stepDownAccess: boolean };
    explanation: { score: number; contributions: Contribution[] } | null;
    touched: { edges: Array<{ count: number; node: { id: string; key: string; type: string } }> };
    timeline?: (Connection<TimelineEvent> & { omittedEvents: number }) | null;
  } | null;
}

function sessionQuery(evidence: boolean): string {
  return `query Session($id: ID!) { session(id: $id) {
    id start end status closeReason eventCount score shadowScore scoredAt ips countries bytesIn bytesOut
    user { key name riskScore riskLevel employmentStatus stepDownAccess }
    explanation { score contributions {
      indicatorId title reason value unscored at pValue fact
      weights { anchor calibration { name factor reason } calibrationProduct downWeight populationTriggerRate userTriggerRate }
      ${evidence ? 'observed baseline eventIds' : ''}
    } }
    touched(first: 50) { edges { count node { id key type } } }
    ${evidence ? 'timeline(first: 100) { omittedEvents edges { node { id at category action outcome target targetType ip country city bytesIn bytesOut } } }' : ''}
  } }`;
}

export function SessionPage({ id }: { id: string }) {
  const viewer = useViewer();
  const evidence = seesEvidence(viewer);
  const load = useQuery<SessionData>(sessionQuery(evidence), { id });
  if (load.state === 'loading') return <Loading what={`session ${id}`} />;
  if (load.state === 'error') return <ErrorBox error={load.error} onRetry={load.reload} />;
  const session = load.data.session;
  if (session === null) return <Empty>No session with id {id}.</Empty>;
  return (
    <div className="page session-page">
      <header className="page-head">
        <h1>
          Session <code>{session.id}</code>
        </h1>
        <div className="facts">
          <span>
            User <UserLink userKey={session.user.key} label={session.user.name ?? session.user.key} /> <Badge value={session.user.riskLevel} />
          </span>
          <span>
            <Time iso={session.start} /> → {session.end ? <Time iso={session.end} /> : <em>open</em>}
          </span>
          <span>
            {session.eventCount} events · {session.status.toLowerCase()}
            {session.closeReason ? ` (${session.closeReason})` : ''}
          </span>
          {session.countries.length > 0 ? <span>countries {session.countries.join(', ')}</span> : null}
          <span>
            Score <strong data-testid="session-score">{points(session.score)}</strong> points
          </span>
        </div>
      </header>
      <Section title="Why this score: contributions">
        {session.explanation === null ? (
          <Empty>Not scored yet: the session has no findings.</Empty>
        ) : (
          <Waterfall explanation={session.explanation} evidence={evidence} />
        )}
      </Section>
      <div className="columns">
        <Section title="Event timeline">
          {!evidence ? (
            <Empty>
              <span data-testid="evidence-restricted">Evidence is not shown to {viewer.role} keys: the event timeline, observed values, baselines and event ids need an ANALYST or ADMIN key.</span>
            </Empty>
          ) : session.timeline ? (
            <Timeline events={nodes(session.timeline)} omitted={session.timeline.omittedEvents} />
          ) : (
            <Empty>No timeline.</Empty>
          )}
        </Section>
        <Section title="Touched entities">
          {session.touched.edges.length === 0 ? (
            <Empty>No entities touched.</Empty>
          ) : (
            <table className="grid compact">
              <thead>
                <tr>
                  <th scope="col">Entity</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="num">Events</th>
                </tr>
              </thead>
              <tbody>
                {session.touched.edges.map((edge) => (
                  <tr key={edge.node.id}>
                    <td>
                      <EntityLink id={edge.node.id} label={edge.node.key} />
                    </td>
                    <td>{edge.node.type}</td>
                    <td className="num">{edge.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="small">
            <a href={href('graph', `User:${session.user.key}`)}>Open {session.user.key}'s neighbourhood in the graph explorer →</a>
          </p>
        </Section>
      </div>
    </div>
  );
}

/** Bars from the running total: each starts where the previous ended; the last row is the score. */
function Waterfall({ explanation, evidence }: { explanation: { score: number; contributions: Contribution[] }; evidence: boolean }) {
  const scored = explanation.contributions;
  const total = explanation.score;
  const scale = Math.max(total, 1);
  let running = 0;
  const row = (c: Contribution, index: number) => {
    const start = running;
    running += c.value;
    const calibration = c.weights.calibration.map((f) => `${f.name} ×${f.factor.toFixed(2)}`).join(', ');
    return (
      <div className={`wf-row${c.unscored ? ' unscored' : ''}`} key={`${c.indicatorId}-${index}`} data-testid="contribution" data-value={c.value}>
        <div className="wf-label">
          <strong>{c.title}</strong>
          <span className="small">{c.reason}</span>
        </div>
        <div className="wf-track" aria-hidden="true">
          <div className="wf-bar" style={{ left: `${(start / scale) * 100}%`, width: `${Math.max((c.value / scale) * 100, c.value > 0 ? 0.5 : 0)}%` }} />
        </div>
        <div className="wf-value num">{c.unscored ? <span title={`not scored: ${c.unscored.toLowerCase()}`}>0.00 ({c.unscored.toLowerCase()})</span> : `+${points(c.value)}`}</div>
        <div className="wf-weights small">
          <span title="the indicator's expert anchor score">anchor {c.weights.anchor.toFixed(1)}</span>
          <span title={c.weights.calibration.map((f) => `${f.name}: ${f.reason}`).join('\n') || 'no context factor applies'}>
            × calibration {c.weights.calibrationProduct.toFixed(2)}
            {calibration ? ` (${calibration})` : ''}
          </span>
          <span title={`triggers in ${(c.weights.populationTriggerRate * 100).toFixed(1)}% of all sessions, ${(c.weights.userTriggerRate * 100).toFixed(1)}% of this user's`}>
            × down-weight {c.weights.downWeight.toFixed(2)}
          </span>
          {c.pValue !== null ? <span>p = {c.pValue.toPrecision(2)}</span> : null}
          {c.fact ? <span>fact: {c.fact}</span> : null}
          {evidence && c.observed !== undefined && c.observed !== null ? <span className="evidence">observed {describe(c.observed)}</span> : null}
          {evidence && c.baseline !== undefined && c.baseline !== null ? <span className="evidence">baseline {describe(c.baseline)}</span> : null}
        </div>
      </div>
    );
  };
  const counted = scored.filter((c) => c.unscored === null);
  const unscored = scored.filter((c) => c.unscored !== null);
  return (
    <div className="waterfall" data-testid="waterfall" data-score={total}>
      {counted.map(row)}
      {unscored.length > 0 ? (
        <details className="wf-unscored">
          <summary>
            {unscored.length} more finding{unscored.length > 1 ? 's' : ''} not scored ({[...new Set(unscored.map((c) => c.unscored!.toLowerCase()))].join(', ')}): 0 points
          </summary>
          {unscored.map((c, i) => row(c, counted.length + i))}
        </details>
      ) : null}
      <div className="wf-row total">
        <div className="wf-label">
          <strong>Session score</strong>
          <span className="small">the sum of the contributions</span>
        </div>
        <div className="wf-track" aria-hidden="true">
          <div className="wf-bar total" style={{ left: 0, width: `${(total / scale) * 100}%` }} />
        </div>
        <div className="wf-value num" data-testid="waterfall-total">
          {points(total)}
        </div>
      </div>
    </div>
  );
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'display' in value) return String((value as { display: unknown }).display);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    // A baseline object: its plain fields as `name value`, times as dates.
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && (typeof v !== 'object' || Array.isArray(v)))
      .slice(0, 5)
      .map(([k, v]) => `${k} ${typeof v === 'number' && v > 1e12 ? new Date(v).toISOString().slice(0, 10) : Array.isArray(v) ? `[${v.length}]` : String(v)}`);
    return parts.join(', ');
  }
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function Timeline({ events, omitted }: { events: TimelineEvent[]; omitted: number }) {
  if (events.length === 0) return <Empty>No events kept for this session.</Empty>;
  return (
    <>
      <table className="grid compact timeline" data-testid="timeline">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">From</th>
            <th scope="col" className="num">Bytes out</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} className={e.outcome === 'failure' ? 'failure' : ''} title={`event ${e.id}`}>
              <td>
                <Time iso={e.at} />
              </td>
              <td>
                {e.category}/{e.action}
                {e.outcome === 'failure' ? <span className="tag">failed</span> : null}
              </td>
              <td>{e.target ? e.targetType ? <EntityLink id={`${e.targetType}:${e.target}`} label={e.target} /> : e.target : <span className="muted">—</span>}</td>
              <td>{[e.ip, e.city, e.country].filter(Boolean).join(' · ') || <span className="muted">—</span>}</td>
              <td className="num">{e.bytesOut ? bytes(e.bytesOut) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {omitted > 0 ? <p className="small muted">{omitted} further events of this session were not kept by the pipeline.</p> : null}
    </>
  );
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
