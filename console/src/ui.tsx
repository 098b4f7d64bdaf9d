import type { ReactNode } from 'react';
import { href } from './router.ts';

/** Small shared pieces: times, levels, states, links. */

const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const LOCAL_SHORT = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A time in the viewer's zone; the UTC instant on hover (title) and in `dateTime`. */
export function Time({ iso, short = false }: { iso: string | null | undefined; short?: boolean }) {
  if (iso === null || iso === undefined) return <span className="muted">—</span>;
  const date = new Date(iso);
  const utc = `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
  return (
    <time dateTime={date.toISOString()} title={utc}>
      {(short ? LOCAL_SHORT : LOCAL).format(date)}
    </time>
  );
}

export type Level = 'LOW' | 'MODERATE' | 'HIGH' | 'CRITICAL';
export type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export const LEVEL_COLOUR: Record<string, string> = {
  LOW: '#3f9a5a',
  MODERATE: '#c9a227',
  MEDIUM: '#c9a227',
  HIGH: '#e07b28',
  CRITICAL: '#d23c3c',
};

export function Badge({ value }: { value: string }) {
  return (
    <span className={`badge badge-${value.toLowerCase()}`} style={{ background: LEVEL_COLOUR[value] ?? '#667' }}>
      {value}
    </span>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

export function ErrorBox({ error, onRetry }: { error: string; onRetry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <strong>Could not load:</strong> {error}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function UserLink({ userKey, label }: { userKey: string; label?: string | null | undefined }) {
  return <a href={href('user', userKey)}>{label ?? userKey}</a>;
}

export function EntityLink({ id, label }: { id: string; label?: string }) {
  return (
    <a href={href('graph', id)} title={`Explore ${id} in the graph`}>
      {label ?? id}
    </a>
  );
}

export function points(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(2);
}

/** A sparkline of scores (oldest first), 0–100, as an inline SVG. */
export function Sparkline({ values, width = 120, height = 24 }: { values: number[]; width?: number; height?: number }) {
  if (values.length === 0) return <span className="muted small">no history</span>;
  const series = values.length === 1 ? [values[0]!, values[0]!] : values;
  const step = width / (series.length - 1);
  const y = (v: number) => height - 2 - (Math.min(100, Math.max(0, v)) / 100) * (height - 4);
  const d = series.map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = series[series.length - 1]!;
  return (
    <svg className="sparkline" width={width} height={height} role="img" aria-label={`risk history, latest ${last.toFixed(1)}`}>
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" />
      <circle cx={(series.length - 1) * step} cy={y(last)} r="2.5" fill="currentColor" />
    </svg>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="panel" aria-label={title}>
      <header className="panel-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}
