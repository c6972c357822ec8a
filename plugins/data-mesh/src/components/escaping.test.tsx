import { Entity } from '@backstage/catalog-model';
import { screen } from '@testing-library/react';
import {
  entityDataProductOverviewCard,
  entityDataProductPortsCard,
  entityOdcsContractContent,
} from '../alpha';
import { exampleEntity, renderEntityPage } from '../__testUtils__';

/*
 * Descriptors are written by anyone who can open a pull request: whatever HTML they hold is
 * shown as text, never turned into elements.
 */

const IMG = '<img src=x onerror=alert(1)>';
const BOLD = '<b>bold</b>';
const SCRIPT = '<script>window.pwned = true</script>';

/** No element the descriptors' HTML would have created exists, and no handler ran. */
function expectNoInjectedElements() {
  expect(document.querySelector('img[src="x"]')).toBeNull();
  expect(document.querySelector('[onerror]')).toBeNull();
  expect(document.querySelector('b')).toBeNull();
  expect(
    [...document.querySelectorAll('script')].filter(s =>
      s.textContent?.includes('pwned'),
    ),
  ).toEqual([]);
  expect((window as { pwned?: boolean }).pwned).toBeUndefined();
}

const contract = `
apiVersion: v3.1.0
kind: DataContract
id: 11111111-2222-3333-4444-555555555555
name: "Orders ${BOLD}"
version: 1.0.0
status: active
domain: "sales ${IMG}"
description:
  purpose: "Purpose ${IMG}"
  usage: "Usage ${BOLD}"
  limitations: "Limits ${SCRIPT}"
schema:
  - name: "orders${BOLD}"
    physicalType: table
    description: "Table ${IMG}"
    properties:
      - name: "order_id${IMG}"
        logicalType: string
        description: "Column ${BOLD}"
        quality:
          - metric: nullValues
            mustBe: 0
            description: "Quality ${IMG}"
`;

const contractEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name: 'orders-contract',
    title: `Orders contract ${BOLD}`,
    description: `Contract ${IMG}`,
  },
  spec: {
    type: 'odcs',
    lifecycle: 'production',
    owner: 'group:sales-data',
    definition: contract,
  },
};

const patientRecords = exampleEntity(
  'hospital/products.yaml',
  'DataProduct',
  'patient-records',
);
const product: Entity = {
  ...patientRecords,
  metadata: {
    ...patientRecords.metadata,
    title: `Patient records ${BOLD}`,
    description: `Description ${IMG}`,
  },
  spec: {
    ...patientRecords.spec,
    purpose: `Purpose ${IMG}`,
    usage: `Usage ${SCRIPT}`,
    limitations: `Limits ${BOLD}`,
    outputPorts: [
      {
        name: 'records',
        type: 'table',
        description: `Port ${IMG}`,
      },
    ],
  },
};

describe('HTML in descriptors is shown as text', () => {
  it('in an ODCS contract: header, schema, columns and quality rules', async () => {
    renderEntityPage(contractEntity, [entityOdcsContractContent]);

    expect(await screen.findByText('Data contract')).toBeInTheDocument();
    for (const text of [
      `Orders ${BOLD}`,
      `Purpose ${IMG}`,
      `Usage ${BOLD}`,
      `Limits ${SCRIPT}`,
      `Column ${BOLD}`,
    ]) {
      expect(
        screen.getAllByText(text, { exact: false }).length,
      ).toBeGreaterThan(0);
    }
    expect(
      screen.getAllByText(`order_id${IMG}`, { exact: false }).length,
    ).toBeGreaterThan(0);
    expect(document.body.textContent).toContain(`Quality ${IMG}`);
    expect(document.body.textContent).toContain(`Table ${IMG}`);
    expectNoInjectedElements();
  });

  it('in a data product: overview and ports', async () => {
    renderEntityPage(product, [
      entityDataProductOverviewCard,
      entityDataProductPortsCard,
    ]);

    expect(await screen.findByText('Data product')).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Output ports' }),
    ).toBeInTheDocument();
    for (const text of [
      `Purpose ${IMG}`,
      `Usage ${SCRIPT}`,
      `Limits ${BOLD}`,
      `Port ${IMG}`,
    ]) {
      expect(
        screen.getAllByText(text, { exact: false }).length,
      ).toBeGreaterThan(0);
    }
    expectNoInjectedElements();
  });
});
