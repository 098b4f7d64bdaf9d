/**
 * DGA-like domains: a web domain whose registrable name looks machine-generated. The name is
 * scored by a character trigram model of benign names (dga/char-model.ts; trained on Debian's
 * wamerican English word list and a hand-written list of common site names — the exact corpus
 * is in dga/dga-model.json's `trainedOn` and dga/train.ts). The p-value is the share of
 * held-out benign names that score as low. To keep odd but human names (a Polish surname, a
 * brand) apart from random strings, the name must also look random on one simple feature:
 * character entropy, a run of consonants, or a share of digits.
 */
import modelJson from './dga/dga-model.json' with { type: 'json' };
import {
  type CharModel,
  charEntropy,
  digitRatio,
  loadCharModel,
  longestConsonantRun,
  registrableLabel,
  scoreLabel,
  scorePValue,
} from './dga/char-model.ts';
import { formatNumber, formatP, formatPercent } from './format.ts';
import { type Baseline, defineEventIndicator, type Evidence, param, pValueHolds, thresholdOf } from './indicator.ts';

export const DGA_MODEL: CharModel = loadCharModel(modelJson);

export type DgaEvidence = Evidence<Extract<Baseline, { kind: 'char-model' }>>;

export const dgaDomain = defineEventIndicator<DgaEvidence>({
  id: 'dga-domain',
  family: 'dga',
  title: 'DGA-like domain',
  description:
    'A web domain whose registrable name (at least minLength characters) scores lower under a character trigram model of benign names than all but a p-value share of held-out benign names, and looks random: entropy at least minEntropy bits per character, or a consonant run of at least minConsonantRun, or at least minDigitRatio digits.',
  dataSources: ['web'],
  anchorScore: 30,
  test: { kind: 'p-value', threshold: 0.001 },
  basis: 'none',
  exfiltration: false,
  params: { minLength: 8, minEntropy: 3, minConsonantRun: 5, minDigitRatio: 0.25 },
  collect(ctx, self) {
    const domain = ctx.event.domain;
    if (domain === undefined) return [];
    const label = registrableLabel(domain);
    // Internationalised names (punycode) are encoded, not generated; their text is not the name.
    if (label.length < param(self, 'minLength') || label.startsWith('xn--')) return [];
    const bitsPerChar = scoreLabel(DGA_MODEL, label);
    return [
      {
        observed: { label: 'web domain', value: domain, display: domain },
        test: { kind: 'p-value', pValue: scorePValue(DGA_MODEL, bitsPerChar), threshold: thresholdOf(self) },
        baseline: {
          kind: 'char-model',
          label,
          bitsPerChar: round(bitsPerChar),
          entropy: round(charEntropy(label)),
          consonantRun: longestConsonantRun(label),
          digitRatio: round(digitRatio(label)),
          trainedOn: DGA_MODEL.trainedOn,
        },
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: { heldOutNames: DGA_MODEL.heldOut.length },
      },
    ];
  },
  holds(e, self) {
    const b = e.baseline;
    const looksRandom =
      b.entropy >= param(self, 'minEntropy') ||
      b.consonantRun >= param(self, 'minConsonantRun') ||
      b.digitRatio >= param(self, 'minDigitRatio');
    return pValueHolds(e) && b.label.length >= param(self, 'minLength') && looksRandom;
  },
  explain(e) {
    const b = e.baseline;
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    return `web request to ${e.observed.display}: the name '${b.label}' scores ${formatNumber(b.bitsPerChar)} bits per character under a character model of benign names, as low as ${formatP(p)} of ${e.facts['heldOutNames']} held-out benign names; entropy ${formatNumber(b.entropy)} bits per character, longest consonant run ${b.consonantRun}, digits ${formatPercent(b.digitRatio)}`;
  },
});

function round(x: number): number {
  return Number(x.toFixed(3));
}
