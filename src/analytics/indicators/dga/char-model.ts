/**
 * A character trigram model of benign DNS names, for the DGA-like-domain indicator.
 *
 * P(c | a b) is the Jelinek–Mercer linear interpolation of trigram, bigram, unigram and uniform
 * estimates (Jelinek and Mercer 1980; Chen and Goodman, "An Empirical Study of Smoothing
 * Techniques for Language Modeling", 1998):
 *   P(c | ab) = λ3·n(abc)/n(ab·) + λ2·n(bc)/n(b·) + λ1·n(c)/N + λ0/|V|,
 * over the alphabet V = a–z, 0–9, '-' and the end mark, with '^' padding the start. A name's
 * score is its mean log2 P per character (end mark included): ordinary words and brand names
 * score around −3 bits, random strings far lower. The score's p-value is its rank among the
 * scores of held-out benign names the model did not see (dga-model.json, built by train.ts).
 */

export interface CharModel {
  /** What the model was trained on (also in dga-model.json). */
  trainedOn: string;
  lambdas: [number, number, number, number];
  alphabet: string;
  unigrams: Record<string, number>;
  bigrams: Record<string, number>;
  trigrams: Record<string, number>;
  /** Shortest name the held-out calibration includes. */
  calibrationMinLength: number;
  /** Scores of held-out benign names, ascending (rounded to 1e-3). */
  heldOut: number[];
}

const START = '^';
const END = '$';

/** Context totals n(ab·) and n(b·), derived once per model. */
interface Prepared {
  model: CharModel;
  bigramContext: Map<string, number>;
  unigramContext: Map<string, number>;
  unigramTotal: number;
}

const prepared = new WeakMap<CharModel, Prepared>();

function prepare(model: CharModel): Prepared {
  let p = prepared.get(model);
  if (p !== undefined) return p;
  const bigramContext = new Map<string, number>();
  for (const [tri, n] of Object.entries(model.trigrams)) bigramContext.set(tri.slice(0, 2), (bigramContext.get(tri.slice(0, 2)) ?? 0) + n);
  const unigramContext = new Map<string, number>();
  for (const [bi, n] of Object.entries(model.bigrams)) unigramContext.set(bi[0]!, (unigramContext.get(bi[0]!) ?? 0) + n);
  let unigramTotal = 0;
  for (const n of Object.values(model.unigrams)) unigramTotal += n;
  p = { model, bigramContext, unigramContext, unigramTotal };
  prepared.set(model, p);
  return p;
}

/** Characters the model knows; anything else is mapped to '-' before scoring. */
export function normalizeLabel(label: string, alphabet: string): string {
  let out = '';
  for (const ch of label.toLowerCase()) out += alphabet.includes(ch) && ch !== END ? ch : '-';
  return out;
}

/** Mean log2 probability per character of `label` (see the header). */
export function scoreLabel(model: CharModel, label: string): number {
  const p = prepare(model);
  const [l3, l2, l1, l0] = model.lambdas;
  const v = model.alphabet.length;
  const text = `${START}${START}${normalizeLabel(label, model.alphabet)}${END}`;
  let sum = 0;
  let n = 0;
  for (let i = 2; i < text.length; i++) {
    const a = text[i - 2]!;
    const b = text[i - 1]!;
    const c = text[i]!;
    const ab = p.bigramContext.get(a + b) ?? 0;
    const bb = p.unigramContext.get(b) ?? 0;
    const prob =
      (ab > 0 ? (l3 * (model.trigrams[a + b + c] ?? 0)) / ab : 0) +
      (bb > 0 ? (l2 * (model.bigrams[b + c] ?? 0)) / bb : 0) +
      (l1 * (model.unigrams[c] ?? 0)) / p.unigramTotal +
      l0 / v;
    sum += Math.log2(prob);
    n++;
  }
  return sum / n;
}

/**
 * P(benign score ≤ score): the share of held-out benign names scoring at most this low, with
 * the usual +1 so that no score gets p = 0: (#{heldOut ≤ score} + 1) / (n + 1).
 */
export function scorePValue(model: CharModel, score: number): number {
  const h = model.heldOut;
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h[mid]! <= score) lo = mid + 1;
    else hi = mid;
  }
  return (lo + 1) / (h.length + 1);
}

/** Shannon entropy of the label's characters, bits per character. */
export function charEntropy(label: string): number {
  const counts = new Map<string, number>();
  for (const ch of label) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / label.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Longest run of consonants (letters other than a, e, i, o, u, y) and digits. */
export function longestConsonantRun(label: string): number {
  let best = 0;
  let run = 0;
  for (const ch of label.toLowerCase()) {
    if (/[a-z0-9]/.test(ch) && !'aeiouy'.includes(ch)) best = Math.max(best, ++run);
    else run = 0;
  }
  return best;
}

export function digitRatio(label: string): number {
  if (label.length === 0) return 0;
  let d = 0;
  for (const ch of label) if (ch >= '0' && ch <= '9') d++;
  return d / label.length;
}

/** Second-level suffixes under which the registrable name is one label further left. */
const TWO_LEVEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'me.uk', 'com.au', 'net.au', 'org.au', 'co.jp', 'ne.jp', 'or.jp',
  'co.nz', 'com.br', 'com.cn', 'com.mx', 'co.in', 'co.za', 'com.sg', 'com.tr', 'co.kr', 'com.ar', 'com.hk',
]);

/**
 * The label a DGA chooses: the registrable name without its public suffix
 * (`status.aws.amazon.com` → `amazon`, `news.bbc.co.uk` → `bbc`). A small list of common
 * two-level suffixes stands in for the full Public Suffix List.
 */
export function registrableLabel(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.').filter((l) => l !== '');
  if (labels.length <= 1) return labels[0] ?? '';
  const lastTwo = labels.slice(-2).join('.');
  const suffixLabels = TWO_LEVEL_SUFFIXES.has(lastTwo) && labels.length >= 3 ? 2 : 1;
  return labels[labels.length - 1 - suffixLabels]!;
}

/** Checks a model read from JSON (a truncated or hand-edited file fails here, not in scoring). */
export function loadCharModel(json: unknown): CharModel {
  const m = json as Partial<CharModel> | null;
  const problems: string[] = [];
  if (m === null || typeof m !== 'object') throw new TypeError('character model: expected an object');
  if (typeof m.trainedOn !== 'string' || m.trainedOn === '') problems.push('trainedOn');
  if (!Array.isArray(m.lambdas) || m.lambdas.length !== 4 || Math.abs(m.lambdas.reduce((a, b) => a + b, 0) - 1) > 1e-9) problems.push('lambdas');
  if (typeof m.alphabet !== 'string' || !m.alphabet.includes(END)) problems.push('alphabet');
  for (const table of ['unigrams', 'bigrams', 'trigrams'] as const) if (typeof m[table] !== 'object' || m[table] === null) problems.push(table);
  if (!Array.isArray(m.heldOut) || m.heldOut.length === 0) problems.push('heldOut');
  if (problems.length > 0) throw new TypeError(`character model: invalid ${problems.join(', ')}`);
  return m as CharModel;
}
