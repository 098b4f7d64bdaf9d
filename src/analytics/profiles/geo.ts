/** Geography and networks for location profiles and impossible travel. */

/** Mean Earth radius, km (IUGG). */
export const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km by the haversine formula. */
export function greatCircleKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface LastLocation {
  lat: number;
  lon: number;
  country: string | null;
  city: string | null;
  /** Epoch ms. */
  ts: number;
  eventId: string;
}

/**
 * The network a source address belongs to, as the profile keys it: the /24 of a public IPv4
 * address, the /48 of a public IPv6 address. Private, loopback and link-local addresses give
 * null: inside the organisation the /24 names a floor or a VLAN, not where a person is.
 */
export function sourceNetwork(ip: string): string | null {
  if (ip.includes(':')) return ipv6Network(ip);
  // A hand-rolled dotted-quad parse: this runs for every event, and a regular expression with
  // four captures costs several times more.
  const octets = [0, 0, 0, 0];
  let part = 0;
  let digits = 0;
  let lastDot = -1;
  let leadingZero = false;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part === 3) return null;
      part++;
      digits = 0;
      lastDot = i;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      if (digits > 0 && octets[part] === 0) leadingZero = true;
      octets[part] = octets[part]! * 10 + (c - 48);
      digits++;
    } else {
      return null;
    }
  }
  const [a, b, c, d] = octets as [number, number, number, number];
  if (part !== 3 || digits === 0 || a > 255 || b > 255 || c > 255 || d > 255) return null;
  if (a === 10 || a === 127 || a === 0 || (a === 169 && b === 254)) return null;
  if ((a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return null;
  // Written from the numbers only when the text has leading zeros (`01.2.3.4`), to key it like `1.2.3.4`.
  return leadingZero ? `${a}.${b}.${c}.0/24` : `${ip.slice(0, lastDot)}.0/24`;
}

function ipv6Network(ip: string): string | null {
  const lower = ip.toLowerCase();
  if (lower === '::1' || lower.startsWith('fe80:') || lower.startsWith('fc') || lower.startsWith('fd')) return null;
  const [head = ''] = lower.split('::');
  const groups = head.split(':').filter((g) => g !== '');
  while (groups.length < 3) groups.push('0');
  if (!groups.slice(0, 3).every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return `${groups.slice(0, 3).join(':')}::/48`;
}
