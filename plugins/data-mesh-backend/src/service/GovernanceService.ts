import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  applyWaivers,
  entityRefKey,
  Governance,
  GovernanceResponse,
  GovernanceSummaryResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { ScorecardStore, StoredScorecard } from '../database/ScorecardStore';
import { StoredWaiver, WaiverStore } from '../database/WaiverStore';
import { EvaluationService } from './EvaluationService';
import { groupBy } from './groupBy';
import { ReadableProducts } from './readableProducts';
import { ScorecardService } from './ScorecardService';
import { WaiverService } from './WaiverService';

const DAY = 86_400_000;
// Violations listed by the dashboard; the counts cover every product.
const MAX_VIOLATIONS = 100;

/** Whether draft policies are shown: to governance admins only. */
export interface PolicyVisibility {
  withDrafts: boolean;
}

/**
 * Governance as the API shows it: a product's verdict with the waivers in force now, and the
 * mesh's compliance per policy and per domain for the dashboard. Reads stored results only.
 */
export class GovernanceService {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      readable: ReadableProducts;
      scorecardStore: ScorecardStore;
      waiverStore: WaiverStore;
      scorecards: ScorecardService;
      evaluations: EvaluationService;
      waivers: WaiverService;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * A readable product's policy results with the waivers in force now, its policies and its
   * waivers. NotFoundError when it has not been evaluated yet.
   */
  async product(
    entity: Entity,
    visibility: PolicyVisibility,
  ): Promise<GovernanceResponse> {
    const { scorecards, evaluations, waiverStore, waivers } = this.options;
    const entityRef = entityRefKey(entity);
    const stored = await scorecards.latest(entity);
    const [policies, productWaivers] = await Promise.all([
      evaluations.policiesFor(entity),
      waiverStore.listWaivers({ entityRefs: [entityRef] }),
    ]);
    const governance = this.current(
      stored,
      productWaivers.filter(w => w.status === 'approved'),
    );
    const visible = visibleTo(visibility);
    return {
      entityRef,
      evaluatedAt: stored.evaluatedAt.toISOString(),
      compliant: governance.compliant,
      results: visible(governance.results),
      policies: visible(policies),
      waivers: productWaivers.map(w => waivers.toWaiver(w)),
    };
  }

  /**
   * The mesh's governance over the products the caller may read: compliance per policy (of
   * the global policies and those of every readable domain) and per domain, violations, and
   * the waivers pending or expiring soon.
   */
  async summary(
    credentials: BackstageCredentials,
    visibility: PolicyVisibility,
  ): Promise<GovernanceSummaryResponse> {
    const {
      catalog,
      readable,
      scorecardStore,
      waiverStore,
      evaluations,
      waivers,
    } = this.options;
    const visible = visibleTo(visibility);
    const refs = await readable.refs(credentials);
    const [stored, approvedList, pending, { items: domains }] =
      await Promise.all([
        scorecardStore.getScorecards(refs),
        waiverStore.listWaivers({
          entityRefs: refs,
          statuses: ['approved'],
          limit: Number.MAX_SAFE_INTEGER,
        }),
        waiverStore.listWaivers({ entityRefs: refs, statuses: ['pending'] }),
        catalog.getEntities({ filter: { kind: 'Domain' } }, { credentials }),
      ]);
    const approved = groupBy(approvedList, w => w.entityRef);
    const policyKey = (p: { id: string; domainRef?: string }) =>
      `${p.domainRef ?? ''}|${p.id}`;
    const policies = new Map(
      visible(evaluations.policiesOf(domains)).map(p => [
        policyKey(p),
        { ...p, applicable: 0, failing: 0, waived: 0 },
      ]),
    );
    const byDomain = new Map<
      string | null,
      { domainRef: string | null; products: number; compliant: number }
    >();
    const violations: GovernanceSummaryResponse['violations'] = [];
    let compliant = 0;
    for (const result of stored.values()) {
      const governance = this.current(
        result,
        approved.get(result.entityRef) ?? [],
      );
      compliant += governance.compliant ? 1 : 0;
      const domain = byDomain.get(result.domainRef) ?? {
        domainRef: result.domainRef,
        products: 0,
        compliant: 0,
      };
      domain.products += 1;
      domain.compliant += governance.compliant ? 1 : 0;
      byDomain.set(result.domainRef, domain);
      for (const r of governance.results) {
        const counts = policies.get(policyKey(r));
        if (!counts || r.outcome === 'skipped') continue;
        counts.applicable += 1;
        if (r.outcome === 'fail' || r.outcome === 'error') counts.failing += 1;
        if (r.outcome === 'waived') counts.waived += 1;
      }
      if (!governance.compliant && violations.length < MAX_VIOLATIONS) {
        violations.push({
          entityRef: result.entityRef,
          domainRef: result.domainRef,
          ownerRef: result.ownerRef,
          policyIds: governance.results.filter(r => r.blocking).map(r => r.id),
        });
      }
    }
    const soon =
      this.now().getTime() + evaluations.config.waivers.reminderDays * DAY;
    return {
      products: stored.size,
      compliant,
      policies: [...policies.values()],
      domains: [...byDomain.values()].sort((a, b) =>
        String(a.domainRef).localeCompare(String(b.domainRef)),
      ),
      violations,
      waivers: {
        pending: pending.map(w => waivers.toWaiver(w)),
        expiring: [...approved.values()]
          .flat()
          .filter(w => w.expiresAt.getTime() <= soon)
          .map(w => waivers.toWaiver(w))
          .filter(w => w.status === 'approved'),
      },
    };
  }

  /** A stored result with the waivers in force now. */
  private current(
    stored: StoredScorecard,
    productWaivers: StoredWaiver[],
  ): Governance {
    return applyWaivers(stored.policyResults, productWaivers, this.now());
  }
}

/** Drops draft policies and their results unless they are to be shown. */
function visibleTo(visibility: PolicyVisibility) {
  return <T extends { enforcement: string }>(items: T[]) =>
    visibility.withDrafts
      ? items
      : items.filter(item => item.enforcement !== 'draft');
}
