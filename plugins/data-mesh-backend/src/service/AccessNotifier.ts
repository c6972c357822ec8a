import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { StoredAccessAgreement } from '../database/AccessAgreementStore';

const TOPIC = 'data-mesh-access';

/** The agreement in the portal: the product's page (its access tab lists agreements). */
function agreementLink(agreement: StoredAccessAgreement): string {
  const { kind, namespace, name } = parseEntityRef(agreement.productRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}?accessRequest=${encodeURIComponent(agreement.id)}`;
}

const describe = (a: StoredAccessAgreement) =>
  `port ${a.outputPort} of ${parseEntityRef(a.productRef).name} for ${
    parseEntityRef(a.consumerRef).name
  }`;

/**
 * Tells both sides of usage agreements what happened, through Backstage notifications: the
 * product's owners of a new request (the notifications backend routes an entity's
 * notifications to its owner's members), the requester of a decision, both two weeks (or
 * `dataMesh.access.reminderDays`) before an agreement ends, and the consumer when access is
 * revoked or expired. A failure to notify is logged and never fails a decision.
 */
export class AccessNotifier {
  constructor(
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  async requested(agreement: StoredAccessAgreement) {
    await this.send([agreement.productRef], agreement, {
      title: `Access requested to ${describe(agreement)}`,
      description: `${agreement.requestedBy} asks: ${agreement.purpose}`,
      severity: 'normal',
    });
  }

  async decided(agreement: StoredAccessAgreement) {
    const outcomes: Partial<Record<StoredAccessAgreement['state'], string>> = {
      rejected: 'rejected',
      failed: `approved, but granting failed: ${agreement.failureReason}`,
    };
    const outcome = outcomes[agreement.state] ?? 'approved';
    await this.send([agreement.requestedBy], agreement, {
      title: `Access to ${describe(agreement)} ${
        agreement.state === 'rejected' ? 'rejected' : 'approved'
      }`,
      description: `Your request was ${outcome}.`,
      severity: agreement.state === 'active' ? 'normal' : 'high',
    });
  }

  async endsSoon(agreement: StoredAccessAgreement) {
    const day = agreement.until?.toISOString().slice(0, 10);
    await this.send([agreement.productRef, agreement.requestedBy], agreement, {
      title: `Access to ${describe(agreement)} ends on ${day}`,
      description:
        'Access is revoked then. Request a new agreement to keep reading the data.',
      severity: 'normal',
    });
  }

  async revoked(agreement: StoredAccessAgreement) {
    await this.send([agreement.consumerRef], agreement, {
      title: `Access to ${describe(agreement)} ${
        agreement.state === 'expired' ? 'expired' : 'was revoked'
      }`,
      description: `The agreement is ${agreement.state}; the consumer can no longer read the port.`,
      severity: 'high',
    });
  }

  private async send(
    entityRefs: string[],
    agreement: StoredAccessAgreement,
    payload: Pick<
      Parameters<NotificationService['send']>[0]['payload'],
      'title' | 'description' | 'severity'
    >,
  ) {
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef: entityRefs },
        payload: {
          ...payload,
          link: agreementLink(agreement),
          topic: TOPIC,
          scope: `data-mesh-access:${agreement.id}`,
        },
      });
    } catch (error) {
      this.logger.warn(
        `Could not notify ${entityRefs.join(', ')} about access agreement ${
          agreement.id
        }: ${error}`,
      );
    }
  }
}
