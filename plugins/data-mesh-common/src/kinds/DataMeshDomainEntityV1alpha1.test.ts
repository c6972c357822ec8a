import { isValidDataMeshDomainEntity } from './DataMeshDomainEntityV1alpha1';

const domain = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'Domain',
  metadata: { name: 'research' },
  spec: {
    owner: 'group:research-data',
    subdomainOf: 'hospital',
    dataSteward: 'user:ada',
    policies: [
      {
        id: 'de-identified-input',
        severity: 'error',
        enforcement: 'enforce',
        rule: "entity.spec.classification != 'restricted'",
      },
    ],
  },
};

describe('data mesh Domain kind', () => {
  it('accepts a domain with policies', () => {
    expect(isValidDataMeshDomainEntity(domain)).toBe(true);
  });

  it('leaves the built-in Domain to the built-in validator', () => {
    expect(
      isValidDataMeshDomainEntity({
        ...domain,
        apiVersion: 'backstage.io/v1alpha1',
      }),
    ).toBe(false);
  });

  it('refuses a domain without an owner and a policy without a rule', () => {
    expect(() =>
      isValidDataMeshDomainEntity({ ...domain, spec: { subdomainOf: 'x' } }),
    ).toThrow(/owner/);
    expect(() =>
      isValidDataMeshDomainEntity({
        ...domain,
        spec: { owner: 'group:x', policies: [{ id: 'no-rule' }] },
      }),
    ).toThrow(/rule/);
  });
});
