import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { StoredWaiver } from '../database/DataMeshStore';

/** The product's page in the portal, relative to the app's base URL. */
function productLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}`;
}

/**
 * Tells a product's owners about its governance through Backstage notifications (the
 * notifications backend routes a product's notifications to the members of its owner). A
 * failure to notify is logged and never fails an evaluation.
 */
export class GovernanceNotifier {
  constructor(
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  async productBecameNonCompliant(entityRef: string, policyIds: string[]) {
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
