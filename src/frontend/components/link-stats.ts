import { useEffect, useState } from 'react';
import type { LinkStatsView } from '../../shared/contract';
import { api } from '../api';
import { humanDate } from './labels';

/** getLinkStats accepts at most this many ids per call; a list page (25–50 links) always fits in one. */
const STATS_BATCH = 100;

export type LinkStatsState =
  | { state: 'loading' }
  | { state: 'failed' }
  | { state: 'ready'; byId: ReadonlyMap<string, LinkStatsView> };

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** The counts the listing brought along, when it brought them for every link on screen. */
const preloadedStats = (unique: readonly string[], listed: ReadonlyArray<{ id: string; stats?: LinkStatsView }>): Map<string, LinkStatsView> | undefined => {
  const byId = new Map(listed.flatMap((item) => (item.stats ? [[item.id, item.stats] as const] : [])));
  return unique.every((id) => byId.has(id)) ? byId : undefined;
};

/**
 * View counts for the links on screen. Lists bring them along (`listed` items with `stats`: no call,
 * review rubric CST-01); otherwise one getLinkStats call for the whole listed page, made again only when
 * the set of listed links changes. A failure is reported as 'failed' and never throws.
 */
export const useLinkStats = (linkIds: readonly string[], listed: ReadonlyArray<{ id: string; stats?: LinkStatsView }> = []): LinkStatsState => {
  const unique = [...new Set(linkIds)].sort();
  const key = unique.join(',');
  const [result, setResult] = useState<{ key: string; stats: LinkStatsState }>({ key: '', stats: { state: 'ready', byId: new Map() } });
  const preloaded = unique.length > 0 ? preloadedStats(unique, listed) : undefined;

  useEffect(() => {
    if (unique.length === 0) {
      setResult({ key, stats: { state: 'ready', byId: new Map() } });
      return;
    }
    if (preloaded) {
      setResult({ key, stats: { state: 'ready', byId: preloaded } });
      return;
    }
    let live = true;
    setResult({ key, stats: { state: 'loading' } });
    Promise.all(chunks(unique, STATS_BATCH).map((linkIds) => api.getLinkStats({ linkIds }))).then(
      (answers) => live && setResult({ key, stats: { state: 'ready', byId: new Map(answers.flatMap((a) => a.stats).map((s) => [s.linkId, s])) } }),
      () => live && setResult({ key, stats: { state: 'failed' } }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  // Until the effect for a new set of links has run, what is held belongs to the previous set.
  if (result.key === key) return result.stats;
  if (unique.length === 0) return { state: 'ready', byId: new Map() };
  return preloaded ? { state: 'ready', byId: preloaded } : { state: 'loading' };
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const ago = (amount: number, unit: string): string => `${amount} ${unit}${amount === 1 ? '' : 's'} ago`;

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago" within a week; the date after that. */
export const describeWhen = (at: number, now: number): string => {
  const elapsed = now - at;
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return ago(Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < DAY) return ago(Math.floor(elapsed / HOUR), 'hour');
  if (elapsed < 7 * DAY) return ago(Math.floor(elapsed / DAY), 'day');
  return `on ${humanDate(at)}`;
};

export const LOADING_STATS = '…';
export const UNAVAILABLE_STATS = '—';

/** "3 views · last opened 2 hours ago", "Not opened yet", "…" while loading, "—" when unavailable. */
export const linkStatsLine = (stats: LinkStatsState, linkId: string, now: number): string => {
  if (stats.state === 'loading') return LOADING_STATS;
  if (stats.state === 'failed') return UNAVAILABLE_STATS;
  const entry = stats.byId.get(linkId);
  if (!entry) return UNAVAILABLE_STATS;
  if (entry.views === 0) return 'Not opened yet';
  const views = `${entry.views} view${entry.views === 1 ? '' : 's'}`;
  return entry.lastOpenedAt === null ? views : `${views} · last opened ${describeWhen(entry.lastOpenedAt, now)}`;
};
