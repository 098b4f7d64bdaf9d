/**
 * Known-answer behaviour for end-to-end tests, as ECS NDJSON lines: a routine working
 * baseline long enough to be mature, and a USB exfiltration session on top of it.
 */
export const DAY = 86_400_000;
export const MIN = 60_000;
export const iso = (ms: number) => new Date(ms).toISOString();

export function ecsLine(user: string, id: string, ts: number, category: string, action: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ '@timestamp': iso(ts), event: { id, category, action, outcome: 'success' }, user: { name: user }, host: { name: `WS-${user}` }, ...extra });
}

/** `days` working days from `start` (midnight UTC): logon 09:00, 14 accesses to FIN-0..2, logoff 17:00. */
export function routineDays(user: string, start: number, days: number): string[] {
  const lines: string[] = [];
  for (let d = 0; d < days; d++) {
    const day = start + d * DAY + 9 * 60 * MIN;
    lines.push(ecsLine(user, `${user}-r${d}-in`, day, 'authentication', 'logon'));
    for (let i = 0; i < 14; i++) {
      lines.push(ecsLine(user, `${user}-r${d}-${i}`, day + (10 + i * 20) * MIN, 'network', 'app_access', { destination: { address: `FIN-${i % 3}` } }));
    }
    lines.push(ecsLine(user, `${user}-r${d}-out`, day + 8 * 60 * MIN, 'authentication', 'logoff'));
  }
  return lines;
}

/** A session from `at`: logon, USB connect, `files` copies of 2 MB to removable media, logoff. */
export function usbExfiltration(user: string, at: number, files: number): string[] {
  const lines = [ecsLine(user, `${user}-x-in`, at, 'authentication', 'logon'), ecsLine(user, `${user}-x-usb`, at + MIN, 'host', 'usb_connect')];
  for (let i = 0; i < files; i++) {
    lines.push(ecsLine(user, `${user}-x-${i}`, at + 2 * MIN + i * 1000, 'file', 'file_copy', { file: { path: `E:/export/${i}.xlsx`, size: 2_000_000 } }));
  }
  lines.push(ecsLine(user, `${user}-x-out`, at + 30 * MIN, 'authentication', 'logoff'));
  return lines;
}
