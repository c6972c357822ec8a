import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Push facts about a data product (`POST /api/data-mesh/facts`), e.g. from a CI pipeline with a
 * static token. Checked against the product, so a policy can limit a pipeline to its products.
 * @public
 */
export const dataMeshFactsPushPermission = createPermission({
  name: 'data-mesh.facts.push',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Evaluate a stored product now and persist its results
 * (`POST /api/data-mesh/evaluate/:kind/:namespace/:name`); typically granted to the product's
 * owners and governance admins, as anyone else could make the backend evaluate at will.
 * @public
 */
export const dataMeshEvaluatePermission = createPermission({
  name: 'data-mesh.evaluate',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Request a waiver of a governance policy for a product (`POST /api/data-mesh/waivers`);
 * typically granted to the product's owners.
 * @public
 */
export const dataMeshWaiverRequestPermission = createPermission({
  name: 'data-mesh.waiver.request',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approve, reject or revoke waivers (`POST /api/data-mesh/waivers/:id/...`): governance admins.
 * @public
 */
export const dataMeshWaiverDecidePermission = createPermission({
  name: 'data-mesh.waiver.decide',
  attributes: { action: 'update' },
});

/**
 * See the results of `draft` policies, which are evaluated but not yet shown to product owners:
 * governance admins.
 * @public
 */
export const dataMeshDraftPoliciesReadPermission = createPermission({
  name: 'data-mesh.governance.draft.read',
  attributes: { action: 'read' },
});

/**
 * Test a product's data contracts on their servers now
 * (`POST /api/data-mesh/contract-tests/:kind/:namespace/:name/runs`); typically granted to the
 * product's owners and governance admins. The scheduled runs need no permission.
 * @public
 */
export const dataMeshContractTestRunPermission = createPermission({
  name: 'data-mesh.contract-test.run',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Request access to an output port of a product under a usage agreement
 * (`POST /api/data-mesh/access-requests`); typically any signed-in user who may read the
 * product. Checked against the product.
 * @public
 */
export const dataMeshAccessRequestPermission = createPermission({
  name: 'data-mesh.access.request',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approve, reject or revoke access requests of a product
 * (`POST /api/data-mesh/access-requests/:id/...`); typically the product's owners and
 * governance admins. Checked against the product.
 * @public
 */
export const dataMeshAccessDecidePermission = createPermission({
  name: 'data-mesh.access.decide',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create or change the tables of a product's output ports on a data server
 * (`POST /api/data-mesh/provisioning/...`): the backend allows it to the product's owners only
 * (members of its owning group), and a policy may deny it to some of them. A basic permission:
 * a new product is not in the catalog yet when its template provisions it.
 * @public
 */
export const dataMeshOutputPortProvisionPermission = createPermission({
  name: 'data-mesh.output-port.provision',
  attributes: { action: 'update' },
});

/** Every permission of the data mesh plugins. @public */
export const dataMeshPermissions = [
  dataMeshFactsPushPermission,
  dataMeshEvaluatePermission,
  dataMeshWaiverRequestPermission,
  dataMeshWaiverDecidePermission,
  dataMeshDraftPoliciesReadPermission,
  dataMeshContractTestRunPermission,
  dataMeshAccessRequestPermission,
  dataMeshAccessDecidePermission,
  dataMeshOutputPortProvisionPermission,
];
