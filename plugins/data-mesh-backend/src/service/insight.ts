import {
  MeshInsightDomain,
  MeshInsightResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  ScorecardHistoryItem,
  ScorecardStore,
} from '../database/ScorecardStore';

const DAY = 86_400_000;
/** Days of the trend, today included. */
export const TREND_DAYS = 30;
/** How far back a regression is measured. */
export const REGRESSION_DAYS = 7;

/** The last point at or before `time` (points oldest first), or undefined. */
function stateAt(points: ScorecardHistoryItem[], time: number) {
  let found: ScorecardHistoryItem | undefined;
  for (const point of points) {
    if (point.evaluatedAt.getTime() > time) break;
    found = point;
  }
  return found;
}

/**
 * The mesh insight over the given (readable) products, as of `now`:
 *
 * - `domains`: the latest scorecards grouped by the domain saved with them.
 * - `trend`: one point per UTC day of the last {@link TREND_DAYS} days; a day's value is the
 *   mean over products of each one's latest history point at the end of that day (today: at
 *   `now`). History has a point per change, so the latest point is the score then.
 * - `regressions`: products whose state {@link REGRESSION_DAYS} days ago (latest history point
 *   then) had a higher score than now, or was compliant and is not now.
 * - `leaderboard`: domains by average score, best first.
 */
export async function computeInsight(
  store: ScorecardStore,
  entityRefs: string[],
  now: Date,
): Promise<MeshInsightResponse> {
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const start = today - (TREND_DAYS - 1) * DAY;
  const [latest, histories] = await Promise.all([
    store.getScorecards(entityRefs),
    store.getScorecardHistories(entityRefs, new Date(start)),
  ]);

  const byDomain = new Map<
    string | null,
    MeshInsightDomain & { sum: number }
  >();
  let sum = 0;
  let compliant = 0;
  for (const result of latest.values()) {
    sum += result.score;
    compliant += result.compliant ? 1 : 0;
    const domain = byDomain.get(result.domainRef) ?? {
      domainRef: result.domainRef,
      products: 0,
      averageScore: null,
      levelCounts: {},
      compliant: 0,
      sum: 0,
    };
    domain.products += 1;
    domain.sum += result.score;
    const level = result.level ?? 'none';
    domain.levelCounts[level] = (domain.levelCounts[level] ?? 0) + 1;
    domain.compliant += result.compliant ? 1 : 0;
    byDomain.set(result.domainRef, domain);
  }
  const domains: MeshInsightDomain[] = [...byDomain.values()]
    .map(({ sum: domainSum, ...domain }) => ({
      ...domain,
      averageScore: domainSum / domain.products,
    }))
    .sort((a, b) => {
      if (a.domainRef === b.domainRef) return 0;
      if (a.domainRef === null) return 1;
      if (b.domainRef === null) return -1;
      return a.domainRef < b.domainRef ? -1 : 1;
    });

  // Only products still readable and scored count in the trend (histories of the refs).
  const trend: MeshInsightResponse['trend'] = [];
  for (let day = 0; day < TREND_DAYS; day++) {
    const dayStart = start + day * DAY;
    const end = Math.min(dayStart + DAY - 1, now.getTime());
    let daySum = 0;
    let products = 0;
    for (const points of histories.values()) {
      const point = stateAt(points, end);
      if (point) {
        daySum += point.score;
        products += 1;
      }
    }
    trend.push({
      date: new Date(dayStart).toISOString().slice(0, 10),
      averageScore: products ? daySum / products : null,
      products,
    });
  }

  const weekAgo = now.getTime() - REGRESSION_DAYS * DAY;
  const regressions: MeshInsightResponse['regressions'] = [];
  for (const [entityRef, points] of histories) {
    const then = stateAt(points, weekAgo);
    const current = latest.get(entityRef);
    if (!then || !current) continue;
    if (current.score < then.score || (then.compliant && !current.compliant)) {
      regressions.push({
        entityRef,
        from: {
          score: then.score,
          level: then.level,
          compliant: then.compliant,
        },
        to: {
          score: current.score,
          level: current.level,
          compliant: current.compliant,
        },
      });
    }
  }
  regressions.sort(
    (a, b) =>
      b.from.score - b.to.score - (a.from.score - a.to.score) ||
      (a.entityRef < b.entityRef ? -1 : 1),
  );

  const leaderboard = domains
    .filter(
      (
        d,
      ): d is MeshInsightDomain & { domainRef: string; averageScore: number } =>
        d.domainRef !== null && d.averageScore !== null,
    )
    .sort(
      (a, b) =>
        b.averageScore - a.averageScore || (a.domainRef < b.domainRef ? -1 : 1),
    )
    .map((d, i) => ({
      domainRef: d.domainRef,
      averageScore: d.averageScore,
      products: d.products,
      rank: i + 1,
    }));

  return {
    products: latest.size,
    averageScore: latest.size ? sum / latest.size : null,
    compliant,
    domains,
    trend,
    regressions,
    leaderboard,
  };
}
