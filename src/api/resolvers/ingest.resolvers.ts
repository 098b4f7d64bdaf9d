import type { NormalizedEvent, ParsedItem } from '../../events/event.ts';
import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from '../errors.ts';
import { type EventInput, mapEventInput } from '../event-input.ts';
import { toDate } from '../models.ts';
import type { ResolverMap } from '../schema.ts';

/** Events per `ingestEvents` call: the GraphQL path is for small batches; bulk goes to POST /ingest. */
export const MAX_EVENTS_PER_CALL = 1000;
/** Problems listed in one error, so a bad batch does not produce a huge message. */
const MAX_PROBLEMS_SHOWN = 10;

const deadLetterPosition = is.shape<{ at: number; id: string }>({ at: is.number, id: is.string });

type ImportStatus = NonNullable<Awaited<ReturnType<ApiContext['services']['ingest']['importStatus']>>>;

function ingestJobModel(status: ImportStatus) {
  return {
    ...status,
    startedAt: toDate(status.startedAt),
    queuedAt: status.queuedAt === null ? null : toDate(status.queuedAt),
    finishedAt: status.finishedAt === null ? null : toDate(status.finishedAt),
  };
}

export const ingestResolvers: ResolverMap = {
  Query: {
    ingestJob: async (_: unknown, args: { id: string }, ctx: ApiContext) => {
      const status = await ctx.services.ingest.importStatus(args.id);
      return status === null ? null : ingestJobModel(status);
    },
    deadLetters: async (_: unknown, args: { first?: number | null; after?: string | null; source?: string | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor('deadLetters', args.after, deadLetterPosition);
      const letters = await ctx.services.repos.deadLetters.page({ source: args.source ?? null, after, limit: limit + 1 });
      return toConnection(
        letters,
        limit,
        'deadLetters',
        (d) => ({ at: d.at, id: d.id }),
        (d) => ({ node: { ...d, at: toDate(d.at) } }),
      );
    },
  },
  Mutation: {
    ingestEvents: {
      resolve: async (_: unknown, args: { events: EventInput[]; wait?: boolean | null }, ctx: ApiContext) => {
        if (args.events.length === 0) throw badInput('events', 'must hold at least one event');
        if (args.events.length > MAX_EVENTS_PER_CALL) {
          throw badInput('events', `${args.events.length} events exceed the limit of ${MAX_EVENTS_PER_CALL} per call; use POST /ingest for bulk imports`);
        }
        const events: NormalizedEvent[] = [];
        const problems: string[] = [];
        args.events.forEach((input, i) => {
          const result = mapEventInput(input, `events[${i}]`);
          if (Array.isArray(result)) problems.push(...result);
          else events.push(result);
        });
        if (problems.length > 0) {
          const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ');
          const more = problems.length > MAX_PROBLEMS_SHOWN ? ` (and ${problems.length - MAX_PROBLEMS_SHOWN} more)` : '';
          // The whole batch is refused: an API client can fix and resend, unlike a file import.
          throw badInput('events', `invalid events, none ingested: ${shown}${more}`);
        }
        const items: ParsedItem[] = events.map((event, i) => ({ kind: 'event', event, line: i + 1 }));
        return ctx.services.ingest.ingest(items, { source: 'graphql', wait: args.wait === true });
      },
      audit: (args: { events: EventInput[]; wait?: boolean | null }, result?: { accepted: number; duplicates: number }) => ({
        target: null,
        details: { events: args.events.length, wait: args.wait === true, ...(result ? { accepted: result.accepted, duplicates: result.duplicates } : {}) },
      }),
    },
  },
};
