import { createBackendModule } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import request from 'supertest';
import { TestBackend, triggerTask, waitFor } from '../__testUtils__/backends';
import {
  notificationsStub,
  SALES_CATALOG,
  startRouteTestBackend,
} from '../__testUtils__/routeTests';

jest.setTimeout(90_000);

/**
 * A catalog module whose processor holds the sales domain's processing until released, as a
 * catalog still busy with its first processing would: the product is in the catalog, its
 * domain not yet.
 */
function holdDomain() {
  let release = () => {};
  const held = new Promise<void>(resolve => {
    release = resolve;
  });
  const module = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'hold-domain',
    register(reg) {
      reg.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.addProcessor({
            getProcessorName: () => 'hold-domain',
            async preProcessEntity(entity) {
              if (entity.kind === 'Domain') await held;
              return entity;
            },
          });
        },
      });
    },
  });
  return { module, release };
}

/**
 * The scheduled pass runs when the test triggers it (as the schedule would, a while after the
 * start); it waits `catalogWait` at most for the catalog.
 */
function dataMesh(catalogWait: object) {
  return {
    scorecards: {
      schedule: { frequency: { trigger: 'manual' }, timeout: { minutes: 2 } },
      catalogWait,
    },
    // One enforced policy: the product's domain is in the catalog.
    governance: {
      defaultPolicies: false,
      policies: [
        {
          id: 'domain-exists',
          title: 'The domain is in the catalog',
          severity: 'error',
          enforcement: 'enforce',
          rule: 'domain != null',
        },
      ],
    },
  };
}

const PASS = 'data-mesh-evaluate-all';
const user = mockCredentials.user.header();
const service = mockCredentials.service.header();

async function productIn(backend: TestBackend) {
  await waitFor('the orders product in the catalog', async () => {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-name/dataproduct/default/orders')
      .set('Authorization', user);
    return res.status === 200;
  });
}

const scorecardOf = (backend: TestBackend) =>
  request(backend.server)
    .get('/api/data-mesh/scorecards/dataproduct/default/orders')
    .set('Authorization', user);

const governanceOf = (backend: TestBackend) =>
  request(backend.server)
    .get('/api/data-mesh/governance/dataproduct/default/orders')
    .set('Authorization', user);

const processing = (backend: TestBackend, authorization: string) =>
  request(backend.server)
    .get('/api/catalog/data-mesh/processing')
    .set('Authorization', authorization);

describe('the first evaluation pass', () => {
  it('waits until the catalog has finished its first processing', async () => {
    const hold = holdDomain();
    const notifications = notificationsStub();
    const backend = await startRouteTestBackend({
      catalog: SALES_CATALOG,
      dataMesh: dataMesh({ minutes: 1 }),
      features: [hold.module, notifications.factory, schedulerServiceFactory],
    });
    try {
      await productIn(backend);
      // The product is in the catalog, its domain is not: the pass waits.
      await triggerTask(backend, PASS);
      const state = await processing(backend, service);
      expect(state.status).toBe(200);
      expect(state.body.pending).toBeGreaterThanOrEqual(1);
      expect(state.body.entities).toBeGreaterThan(state.body.pending);
      // Only backend services may ask.
      expect((await processing(backend, user)).status).toBe(403);
      await new Promise(resolve => setTimeout(resolve, 4_000));
      expect((await scorecardOf(backend)).status).toBe(404);

      hold.release();
      const evaluated = await waitFor(
        'the first pass',
        async () => {
          const res = await governanceOf(backend);
          return res.status === 200 && res.body;
        },
        45_000,
      );
      // The domain was there when the product was evaluated: no violation that is not real.
      expect(
        evaluated.results.find((r: { id: string }) => r.id === 'domain-exists'),
      ).toMatchObject({ outcome: 'pass' });
      expect(evaluated.compliant).toBe(true);
      expect((await processing(backend, service)).body.pending).toBe(0);
      expect(notifications.sent).toEqual([]);
    } finally {
      hold.release();
      await backend.stop();
    }
  });

  it('has provisional results that notify nobody when the catalog takes longer than the wait', async () => {
    const hold = holdDomain();
    const notifications = notificationsStub();
    const backend = await startRouteTestBackend({
      catalog: SALES_CATALOG,
      dataMesh: dataMesh({ seconds: 3 }),
      features: [hold.module, notifications.factory, schedulerServiceFactory],
    });
    try {
      await productIn(backend);
      await triggerTask(backend, PASS);
      // Evaluated without its domain: a violation, stored, and nobody told of it.
      const evaluated = await waitFor(
        'the provisional pass',
        async () => {
          const res = await governanceOf(backend);
          return res.status === 200 && res.body;
        },
        45_000,
      );
      expect(evaluated.compliant).toBe(false);
      expect(
        evaluated.results.find((r: { id: string }) => r.id === 'domain-exists'),
      ).toMatchObject({ outcome: 'fail' });
      expect(notifications.sent).toEqual([]);
    } finally {
      hold.release();
      await backend.stop();
    }
  });
});
