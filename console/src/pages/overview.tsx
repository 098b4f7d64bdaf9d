import { useEffect, useState } from 'react';
import { subscribe } from '../api.ts';
import { ALERT_FIELDS, type AlertRow, type Connection, nodes } from '../queries.ts';
import { href } from '../router.ts';
import { useQuery, useViewer } from '../session.tsx';
import { Badge, Empty, ErrorBox, Loading, Section, Sparkline, Time, UserLink } from '../ui.tsx';

/**
 * Risk overview: the leaderboard with each user's sparkline, moved live by `riskScoreChanged`,
 * and the alert feed, fed live by `alertRaised`. Fit for a wall display: it never needs a reload.
 */
interface LeaderRow {
  key: string;
  name: string | null;
  department: string | null;
  riskScore: number;
  riskLevel: string;
  stepDownAccess: boolean;
  riskUpdatedAt: string | null;
  history: number[];
  /** Set when a live change arrived, for a moment's highlight. */
  changedAt?: number;
}

const LEADERBOARD = `query Leaderboard($first: Int!) {
  riskLeaderboard(first: $first) { edges { node {
    key name department riskScore riskLevel stepDownAccess riskUpdatedAt
    riskHistory(first: 30) { edges { node { at score } } }
  } } }
}`;
const RECENT_ALERTS = `query RecentAlerts { alerts(first: 15) { edges { node { ${ALERT_FIELDS} } } } }`;
const RISK_CHANGED = `subscription RiskChanged { riskScoreChanged { user { key name department stepDownAccess } previousScore score level changedAt reasons } }`;
const ALERT_RAISED = `subscription AlertRaised { alertRaised { ${ALERT_FIELDS} } }`;

interface LeaderboardData {
  riskLeaderboard: Connection<{
    key: string;
    name: string | null;
    department: string | null;
    riskScore: number;
    riskLevel: string;
    stepDownAccess: boolean;
    riskUpdatedAt: string | null;
    riskHistory: Connection<{ at: string; score: number }>;
  }>;
}

const SIZE = 25;

export function OverviewPage() {
  const viewer = useViewer();
  const board = useQuery<LeaderboardData>(LEADERBOARD, { first: SIZE });
  const recent = useQuery<{ alerts: Connection<AlertRow> }>(RECENT_ALERTS, {});
  const [rows, setRows] = useState<LeaderRow[] | null>(null);
  const [alerts, setAlerts] = useState<Array<AlertRow & { live?: boolean }> | null>(null);
  const [live, setLive] = useState<{ state: 'connecting' | 'live' | 'error'; message?: string }>({ state: 'connecting' });

  useEffect(() => {
    if (board.state !== 'ready') return;
    setRows(
      nodes(board.data.riskLeaderboard).map((u) => ({
        key: u.key,
        name: u.name,
        department: u.department,
        riskScore: u.riskScore,
        riskLevel: u.riskLevel,
        stepDownAccess: u.stepDownAccess,
        riskUpdatedAt: u.riskUpdatedAt,
        history: nodes(u.riskHistory).map((s) => s.score).reverse(),
      })),
    );
  }, [board.state, board.data]);

  useEffect(() => {
    if (recent.state === 'ready') setAlerts((current) => current ?? nodes(recent.data.alerts));
  }, [recent.state, recent.data]);

  useEffect(() => {
    const onError = (message: string) => setLive({ state: 'error', message });
    const stopRisk = subscribe<{
      riskScoreChanged: { user: { key: string; name: string | null; department: string | null; stepDownAccess: boolean }; score: number; level: string; changedAt: string };
    }>(
      viewer.token,
      RISK_CHANGED,
      {},
      ({ riskScoreChanged: change }) => {
        setLive({ state: 'live' });
        setRows((current) => {
          if (current === null) return current;
          const existing = current.find((r) => r.key === change.user.key);
          const updated: LeaderRow = {
            key: change.user.key,
            name: change.user.name,
            department: change.user.department,
            stepDownAccess: change.user.stepDownAccess,
            riskScore: change.score,
            riskLevel: change.level,
            riskUpdatedAt: change.changedAt,
            history: [...(existing?.history ?? []), change.score].slice(-30),
            changedAt: Date.now(),
          };
          const next = [...current.filter((r) => r.key !== change.user.key), updated];
          next.sort((a, b) => b.riskScore - a.riskScore || a.key.localeCompare(b.key));
          return next.slice(0, SIZE);
        });
      },
      onError,
    );
    const stopAlerts = subscribe<{ alertRaised: AlertRow }>(
      viewer.token,
      ALERT_RAISED,
      {},
      ({ alertRaised }) => {
        setLive({ state: 'live' });
        setAlerts((current) => [{ ...alertRaised, live: true }, ...(current ?? []).filter((a) => a.id !== alertRaised.id)].slice(0, 50));
      },
      onError,
    );
    // The socket connects lazily with the first subscription; count it live once acknowledged.
    const timer = setTimeout(() => setLive((l) => (l.state === 'connecting' ? { state: 'live' } : l)), 1500);
    return () => {
      clearTimeout(timer);
      stopRisk();
      stopAlerts();
    };
  }, [viewer.token]);

  return (
    <div className="overview">
      <Section
        title="Risk leaderboard"
        actions={
          <span className={`live live-${live.state}`} title={live.message ?? 'live updates from riskScoreChanged and alertRaised'}>
            {live.state === 'live' ? '● live' : live.state === 'connecting' ? '○ connecting' : `✕ ${live.message ?? 'offline'}`}
          </span>
        }
      >
        {board.state === 'loading' || (board.state === 'ready' && rows === null) ? (
          <Loading what="the leaderboard" />
        ) : board.state === 'error' ? (
          <ErrorBox error={board.error} onRetry={board.reload} />
        ) : rows!.length === 0 ? (
          <Empty>No users yet: import events (riskgraph ingest, POST /ingest) and they appear here.</Empty>
        ) : (
          <table className="grid leaderboard" data-testid="leaderboard">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">User</th>
                <th scope="col">Department</th>
                <th scope="col" className="num">Risk</th>
                <th scope="col">Level</th>
                <th scope="col">Trend</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {rows!.map((row, index) => (
                <tr key={row.key} data-user={row.key} className={row.changedAt && Date.now() - row.changedAt < 5000 ? 'flash' : ''}>
                  <td className="muted">{index + 1}</td>
                  <td>
                    <UserLink userKey={row.key} label={row.name ? `${row.name} (${row.key})` : row.key} />
                    {row.stepDownAccess ? <span className="tag" title="access stepped down while CRITICAL">step-down</span> : null}
                  </td>
                  <td>{row.department ?? <span className="muted">—</span>}</td>
                  <td className="num score">{row.riskScore.toFixed(1)}</td>
                  <td>
                    <Badge value={row.riskLevel} />
                  </td>
                  <td style={{ color: levelColour(row.riskLevel) }}>
                    <Sparkline values={row.history} />
                  </td>
                  <td>
                    <Time iso={row.riskUpdatedAt} short />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Live alerts" actions={<a href={href('alerts')}>Triage all alerts →</a>}>
        {recent.state === 'loading' && alerts === null ? (
          <Loading what="alerts" />
        ) : recent.state === 'error' && alerts === null ? (
          <ErrorBox error={recent.error} onRetry={recent.reload} />
        ) : (alerts ?? []).length === 0 ? (
          <Empty>No alerts yet. New ones appear here the moment they are raised.</Empty>
        ) : (
          <ol className="feed" data-testid="alert-feed" aria-live="polite">
            {alerts!.map((alert) => (
              <li key={alert.id} className={alert.live ? 'feed-item new' : 'feed-item'} data-alert={alert.id}>
                <div className="feed-head">
                  <Badge value={alert.severity} />
                  <UserLink userKey={alert.user.key} label={alert.user.name ?? alert.user.key} />
                  <span className="muted">score {alert.score.toFixed(1)}</span>
                  <span className="spacer" />
                  <Time iso={alert.raisedAt} short />
                </div>
                <ul className="reasons">
                  {alert.reasons.slice(0, 2).map((reason) => (
                    <li key={reason}>{reason}</li>
                  ))}
                </ul>
                <div className="feed-links">
                  {alert.session ? <a href={href('session', alert.session.id)}>Open session</a> : null}
                  <a href={href('alerts', alert.id)}>Triage</a>
                  <span className="muted small">{alert.status.toLowerCase()}</span>
                </div>
              </li>
            ))}
          </ol>
        )}
      </Section>
    </div>
  );
}

function levelColour(level: string): string {
  return { LOW: '#3f9a5a', MODERATE: '#b08d1e', HIGH: '#e07b28', CRITICAL: '#d23c3c' }[level] ?? '#667';
}
