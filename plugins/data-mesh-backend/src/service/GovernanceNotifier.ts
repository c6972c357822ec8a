import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { StoredWaiver } from '../database/WaiverStore';
import { groupBy } from './groupBy';

/** A product that became non-compliant, with the policies that block it. */
export interface ComplianceBreach {
  entityRef: string;
  ownerRef: string | null;
  policyIds: string[];
}

/** Products named in an owner's summary; the link lists them all. */
const NAMED_PRODUCTS = 10;

/** The product's page in the portal, relative to the app's base URL. */
function productLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}`;
}

/**
 * Tells a product's owners about its governance through Backstage notifications (the
 * notifications backend routes a product's or group's notifications to the members of its
 * owner). A failure to notify is logged and never fails an evaluation.
 */
export class GovernanceNotifier {
  constructor(
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  /**
   * One notification per owner: about the product itself when it is the owner's only breach,
   * else a summary linking to the owner's non-compliant products in the explorer. A pass that
   * breaches thousands of products (a new global policy, a first evaluation) sends one
   * notification per team, not one per product.
   */
  async productsBecameNonCompliant(breaches: ComplianceBreach[]) {
    // Without an owner the notifications backend finds nobody through the product either.
    const byOwner = groupBy(breaches, b => b.ownerRef ?? b.entityRef);
    for (const [ownerRef, owned] of byOwner) {
      if (owned.length === 1) {
        await this.productBecameNonCompliant(owned[0]);
      } else {
        await this.ownerProductsBecameNonCompliant(ownerRef, owned);
      }
    }
  }

  private async ownerProductsBecameNonCompliant(
    ownerRef: string,
    breaches: ComplianceBreach[],
  ) {
    const names = breaches.map(b => parseEntityRef(b.entityRef).name);
    const policyIds = [...new Set(breaches.flatMap(b => b.policyIds))];
    const more = names.length - NAMED_PRODUCTS;
    await this.send(ownerRef, {
      title: `${names.length} data products of ${
        parseEntityRef(ownerRef).name
      } are not compliant`,
      description: `${names.slice(0, NAMED_PRODUCTS).join(', ')}${
        more > 0 ? ` and ${more} more` : ''
      }. Blocking governance policies: ${
        policyIds.join(', ') || 'none'
      }. Open each product's governance card for what to fix, or request a waiver.`,
      link: `/data-mesh/explorer?${new URLSearchParams({
        owner: ownerRef,
        compliant: 'false',
      })}`,
      severity: 'high',
      topic: 'data-mesh-governance',
      scope: `data-mesh-compliance:${ownerRef}`,
    });
  }

  private async productBecameNonCompliant({
    entityRef,
    policyIds,
  }: ComplianceBreach) {
    const { name } = parseEntityRef(entityRef);
    await this.send(entityRef, {
      title: `${name} is not compliant`,
      description: `Blocking governance policies: ${
        policyIds.join(', ') || 'none'
      }. Open the product's governance card for what to fix, or request a waiver.`,
      link: productLink(entityRef),
      severity: 'high',
      topic: 'data-mesh-governance',
      scope: `data-mesh-compliance:${entityRef}`,
    });
  }

  async waiverExpiresSoon(waiver: StoredWaiver) {
    const { name } = parseEntityRef(waiver.entityRef);
    await this.send(waiver.entityRef, {
      title: `Waiver of ${
        waiver.policyId
      } for ${name} expires on ${waiver.expiresAt.toISOString().slice(0, 10)}`,
      description:
        'After that the policy applies again. Comply before then, or request a new waiver.',
      link: productLink(waiver.entityRef),
      severity: 'normal',
      topic: 'data-mesh-governance',
      scope: `data-mesh-waiver:${waiver.id}`,
    });
  }

  private async send(
    entityRef: string,
    payload: Parameters<NotificationService['send']>[0]['payload'],
  ) {
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef },
        payload,
      });
    } catch (error) {
      this.logger.warn(`Could not notify the owners of ${entityRef}: ${error}`);
    }
  }
}
