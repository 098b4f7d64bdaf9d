/**
 * Scores leave the API rounded to hundredths. Fusion keeps every score as a sum of contributions
 * already rounded to hundredths (analytics/fusion/rounding.ts), but a floating-point sum of
 * hundredths is not itself a multiple of 0.01 (99.64 comes out as 99.63999999999999), and user
 * risk and its apportionment are full doubles. Stored values stay exact; only what a client
 * reads is rounded, here, at the one place every resolver's result passes: the executable
 * schema wraps the fields below. Probabilities and weights (p-values, trigger rates,
 * down-weights, decay factors, peer degrees) are not scores and keep their precision.
 */
import { defaultFieldResolver, getNamedType, GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { roundScore } from '../analytics/fusion/rounding.ts';

/** Every score-like Float of the schema, `Type.field`. */
export const SCORE_FIELDS: readonly string[] = Object.freeze([
  'User.riskScore',
  'User.peakRiskScore',
  'Alert.score',
  'RiskScoreChange.score',
  'RiskScoreChange.previousScore',
  'RiskSnapshot.score',
  'RiskSnapshot.previousScore',
  'UserRiskExplanation.score',
  'UserRiskExplanation.raw',
  'SessionRiskContribution.sessionScore',
  'SessionRiskContribution.decayedScore',
  'SessionRiskContribution.value',
  'Session.score',
  'Session.shadowScore',
  'SessionExplanation.score',
  'ScoreContribution.value',
  'ContributionWeights.anchor',
  'Finding.anchorScore',
  'Indicator.anchorScore',
  'RiskDecision.riskScore',
  'RiskAsOf.score',
  'RiskReading.score',
  'EmploymentRiskChange.delta',
  'WhatIf.delta',
  'WhatIfRisk.score',
  'WhatIfRisk.raw',
  'WhatIfSession.actualScore',
  'WhatIfSession.whatIfScore',
  'WhatIfSession.delta',
  'WhatIfContribution.actual',
  'WhatIfContribution.whatIf',
  'WhatIfContribution.anchor',
]);

const FLOATS = new Set(['Float', 'NonNegativeFloat']);

function round(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? roundScore(value) : value;
}

/** Wraps every SCORE_FIELDS resolver so its number is rounded to hundredths; fails on a field the schema lacks or that is not a Float. */
export function roundScoreFields(schema: GraphQLSchema, fields: readonly string[] = SCORE_FIELDS): void {
  for (const coordinate of fields) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.getType(typeName);
    const field = type instanceof GraphQLObjectType ? type.getFields()[fieldName] : undefined;
    if (field === undefined) throw new Error(`score rounding names unknown field ${coordinate}`);
    if (!FLOATS.has(getNamedType(field.type).name)) throw new Error(`score rounding: ${coordinate} is not a Float`);
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (parent, args, ctx, info) => {
      const value: unknown = resolve(parent, args, ctx, info);
      return value instanceof Promise ? value.then(round) : round(value);
    };
  }
}
