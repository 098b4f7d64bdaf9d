import { describe, expect, it } from 'vitest';
import {
  charEntropy,
  digitRatio,
  loadCharModel,
  longestConsonantRun,
  registrableLabel,
  scoreLabel,
  scorePValue,
} from '../../../src/analytics/indicators/dga/char-model.ts';
import { DGA_MODEL } from '../../../src/analytics/indicators/dga.indicator.ts';

/** Random names as a DGA makes them: the alphabet and lengths of the synthetic organisation's beacons. */
function randomLabels(n: number, seed: number): string[] {
  const chars = 'bcdfghjklmnpqrstvwxz0123456789aeiou';
  let a = seed;
  const next = (): number => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 2 ** 32;
  };
  return Array.from({ length: n }, () => {
    const len = 10 + Math.floor(next() * 9);
    let s = '';
    for (let i = 0; i < len; i++) s += chars[Math.floor(next() * chars.length)];
    return s;
  });
}

describe('the DGA character model', () => {
  it('says what it was trained on', () => {
    expect(DGA_MODEL.trainedOn).toMatch(/wamerican/);
    expect(DGA_MODEL.trainedOn).toMatch(/hand-written/);
    expect(DGA_MODEL.heldOut.length).toBeGreaterThan(1000);
  });

  it('scores random names far below ordinary ones', () => {
    for (const name of ['google', 'stackoverflow', 'greencity', 'kitchenmarket', 'bloomberg']) {
      expect(scorePValue(DGA_MODEL, scoreLabel(DGA_MODEL, name)), name).toBeGreaterThan(0.01);
    }
    const random = randomLabels(500, 7);
    const flagged = random.filter((l) => scorePValue(DGA_MODEL, scoreLabel(DGA_MODEL, l)) <= 0.001);
    expect(flagged.length / random.length).toBeGreaterThan(0.97);
  });

  it('gives p-values that never fall as the score rises', () => {
    let previous = 0;
    for (let s = -12; s <= 0; s += 0.25) {
      const p = scorePValue(DGA_MODEL, s);
      expect(p).toBeGreaterThanOrEqual(previous);
      previous = p;
    }
    expect(scorePValue(DGA_MODEL, -100)).toBeCloseTo(1 / (DGA_MODEL.heldOut.length + 1), 12);
  });

  it('takes the registrable label', () => {
    expect(registrableLabel('status.aws.amazon.com')).toBe('amazon');
    expect(registrableLabel('news.bbc.co.uk')).toBe('bbc');
    expect(registrableLabel('x9k2.top')).toBe('x9k2');
    expect(registrableLabel('localhost')).toBe('localhost');
  });

  it('computes the structural features', () => {
    expect(charEntropy('aaaa')).toBe(0);
    expect(charEntropy('abcd')).toBe(2);
    expect(longestConsonantRun('strengths')).toBe(5);
    expect(longestConsonantRun('x9k2a')).toBe(4);
    expect(digitRatio('ab12')).toBe(0.5);
  });

  it('refuses a damaged model file', () => {
    expect(() => loadCharModel({ ...DGA_MODEL, lambdas: [0.5, 0.5, 0.5, 0.5] })).toThrow('lambdas');
    expect(() => loadCharModel({ ...DGA_MODEL, heldOut: [] })).toThrow('heldOut');
  });
});
