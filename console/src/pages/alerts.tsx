import { useEffect, useState } from 'react';
import { request } from '../api.ts';
import { ALERT_FIELDS, type AlertRow, type Connection, nodes } from '../queries.ts';
import { href, navigate } from '../router.ts';
import { useQuery, useViewer } from '../session.tsx';
import { Badge, Empty, ErrorBox, Loading, Section, Time, UserLink } from '../ui.tsx';

/**
 * Alerts triage: acknowledge, resolve (true positive, false positive, benign) and the record of
 * who did what. j/k move through the list, a acknowledges, Enter opens the session.
 */
const ALERTS = `query Alerts($statuses: [AlertStatus!]) { alerts(first: 100, filter: { statuses: $statuses }) { edges { node { ${ALERT_FIELDS} } } } }`;
const ACKNOWLEDGE = `mutation Ack($id: ID!) { acknowledgeAlert(id: $id) { ${ALERT_FIELDS} } }`;
const RESOLVE = `mutation Resolve($id: ID!, $resolution: AlertResolution!) { resolveAlert(id: $id, resolution: $resolution) { ${ALERT_FIELDS} } }`;
const AUDIT = `query Audit { auditTrail(first: 100) { edges { node { id at actor action target outcome details } } } }`;

const FILTERS: Record<string, string[] | null> = { open: ['OPEN', 'ACKNOWLEDGED'], all: null, resolved: ['RESOLVED'] };

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  details: Record<string, unknown> | null;
}

export function AlertsPage({ selectedId, filter }: { selectedId: string | undefined; filter: string }) {
  const viewer = useViewer();
  const statuses = FILTERS[filter] ?? null;
  const list = useQuery<{ alerts: Connection<AlertRow> }>(ALERTS, { statuses });
  const alerts = list.state === 'ready' ? nodes(list.data.alerts) : [];
  const selected = alerts.find((a) => a.id === selectedId) ?? null;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event) || alerts.length === 0) return;
      const index = alerts.findIndex((a) => a.id === selectedId);
      if (event.key === 'j' || event.key === 'k') {
        const next = alerts[Math.min(alerts.length - 1, Math.max(0, index + (event.key === 'j' ? 1 : -1)))];
        if (next) navigate(`${href('alerts', next.id)}?filter=${filter}`);
      } else if (event.key === 'Enter' && selected?.session) {
        navigate(href('session', selected.session.id));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [alerts, selectedId, selected, filter]);

  return (
    <div className="page alerts-page">
      <header className="page-head">
        <h1>Alerts</h1>
        <nav className="tabs" aria-label="alert filter">
          {Object.keys(FILTERS).map((name) => (
            <a key={name} href={`${href('alerts', ...(selectedId ? [selectedId] : []))}?filter=${name}`} aria-current={name === filter ? 'page' : undefined}>
              {name}
            </a>
          ))}
          <span className="muted small">keys: j/k move · a acknowledge · Enter open session</span>
        </nav>
      </header>
      <div className="split">
        <div className="split-list">
          {list.state === 'loading' ? (
            <Loading what="alerts" />
          ) : list.state === 'error' ? (
            <ErrorBox error={list.error} onRetry={list.reload} />
          ) : alerts.length === 0 ? (
            <Empty>No {filter === 'all' ? '' : filter} alerts.</Empty>
          ) : (
            <table className="grid" data-testid="alert-list">
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">User</th>
                  <th scope="col">Raised</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {alerts.map((alert) => (
                  <tr key={alert.id} aria-selected={alert.id === selectedId} className={alert.id === selectedId ? 'selected' : ''} data-alert={alert.id}>
                    <td>
                      <Badge value={alert.severity} />
                    </td>
                    <td>
                      <a href={`${href('alerts', alert.id)}?filter=${filter}`}>{alert.user.name ?? alert.user.key}</a>
                    </td>
                    <td>
                      <Time iso={alert.raisedAt} short />
                    </td>
                    <td className="small">{alert.resolution ?? alert.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="split-detail">
          {selectedId === undefined ? (
            <Empty>Select an alert to triage it.</Empty>
          ) : list.state !== 'ready' ? null : selected === null ? (
            <Empty>Alert {selectedId} is not in this list (try the “all” filter).</Empty>
          ) : (
            <AlertDetail key={selected.id} alert={selected} onChanged={list.reload} canAudit={viewer.role === 'ADMIN'} canTriage={viewer.role !== 'DASHBOARD'} />
          )}
        </div>
      </div>
    </div>
  );
}

function AlertDetail({ alert, onChanged, canAudit, canTriage }: { alert: AlertRow; onChanged: () => void; canAudit: boolean; canTriage: boolean }) {
  const viewer = useViewer();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [auditGeneration, setAuditGeneration] = useState(0);
  const run = async (query: string, variables: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await request(viewer.token, query, variables);
      onChanged();
      setAuditGeneration((g) => g + 1);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const acknowledge = () => void run(ACKNOWLEDGE, { id: alert.id });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isTyping(event) && event.key === 'a' && canTriage && alert.status === 'OPEN' && !busy) acknowledge();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <Section title={`Alert ${alert.id}`}>
      <div className="detail" data-testid="alert-detail" data-status={alert.status}>
        <p>
          <Badge value={alert.severity} /> <UserLink userKey={alert.user.key} label={alert.user.name ?? alert.user.key} /> · score {alert.score.toFixed(1)} · raised <Time iso={alert.raisedAt} />
        </p>
        <ul className="reasons">
          {alert.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
        {alert.session ? (
          <p>
            <a href={href('session', alert.session.id)}>Open the session's explanation and events →</a>
          </p>
        ) : null}
        {canTriage ? (
          <div className="actions" role="group" aria-label="triage">
            <button type="button" onClick={acknowledge} disabled={busy || alert.status !== 'OPEN'}>
              Acknowledge
            </button>
            {(['TRUE_POSITIVE', 'FALSE_POSITIVE', 'BENIGN'] as const).map((resolution) => (
              <button key={resolution} type="button" onClick={() => void run(RESOLVE, { id: alert.id, resolution })} disabled={busy || alert.status === 'RESOLVED'}>
                Resolve: {resolution.replace('_', ' ').toLowerCase()}
              </button>
            ))}
          </div>
        ) : (
          <p className="muted small">A {viewer.role} key can read alerts but not triage them.</p>
        )}
        {error ? <ErrorBox error={error} /> : null}
        <h3>Who did what</h3>
        <ul className="plain triage-record" data-testid="triage-record">
          <li>
            Raised <Time iso={alert.raisedAt} /> by the pipeline
          </li>
          {alert.acknowledgedAt ? (
            <li>
              Acknowledged <Time iso={alert.acknowledgedAt} /> by <strong>{alert.acknowledgedBy}</strong>
            </li>
          ) : null}
          {alert.resolvedAt ? (
            <li>
              Resolved as <strong>{alert.resolution}</strong> <Time iso={alert.resolvedAt} /> by <strong>{alert.resolvedBy}</strong>
            </li>
          ) : null}
        </ul>
        {canAudit ? <AlertAudit alertId={alert.id} generation={auditGeneration} /> : null}
      </div>
    </Section>
  );
}

/** ADMIN: the audit trail's entries about this alert (of the latest 100 entries). */
function AlertAudit({ alertId, generation }: { alertId: string; generation: number }) {
  const audit = useQuery<{ auditTrail: Connection<AuditEntry> }>(AUDIT, { generation });
  if (audit.state === 'loading') return <Loading what="the audit trail" />;
  if (audit.state === 'error') return <ErrorBox error={audit.error} onRetry={audit.reload} />;
  const entries = nodes(audit.data.auditTrail).filter((e) => e.target === alertId);
  return (
    <>
      <h3>Audit trail</h3>
      {entries.length === 0 ? (
        <Empty>No audit entries for this alert among the latest 100.</Empty>
      ) : (
        <table className="grid compact" data-testid="alert-audit">
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>
                  <Time iso={e.at} />
                </td>
                <td>{e.actor}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.outcome}</td>
                <td className="small">{e.details && Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  return event.ctrlKey || event.metaKey || event.altKey || (target !== null && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable));
}
