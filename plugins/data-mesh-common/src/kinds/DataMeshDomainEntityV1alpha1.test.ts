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

function problemsOf(entity: unknown): string {
  try {
    isValidDataMeshDomainEntity(entity);
  } catch (error) {
    expect(error).toMatchObject({ name: 'InputError' });
    return (error as Error).message;
  }
  throw new Error('The entity was accepted');
}

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

  it('leaves other kinds to other validators', () => {
    expect(isValidDataMeshDomainEntity({ ...domain, kind: 'System' })).toBe(
      false,
    );
    expect(isValidDataMeshDomainEntity(null)).toBe(false);
  });

  it('reports every problem at once in exact words', () => {
    expect(
      problemsOf({
        ...domain,
        spec: {
          owner: '',
          subdomainOf: 3,
          stewards: ['user:ada'],
          policies: [
            { id: 'Bad Id', rule: 'true', severity: 'fatal' },
            { id: 'no-rule' },
            'x',
          ],
        },
      }),
    ).toBe(
      [
        'spec.stewards: is not a known field (known: owner, type, subdomainOf, dataSteward, policies)',
        'spec.owner: must not be empty',
        'spec.subdomainOf: 3 is a number, expected a string',
        'spec.policies[0].id: "Bad Id" is not a policy id such as no-personal-data (lowercase letters and digits, single hyphens between them)',
        'spec.policies[0].severity: "fatal" is not one of error, warning',
        'spec.policies[1].rule: is required',
        'spec.policies[2]: "x" is a string, expected an object',
      ].join('; '),
    );
  });

  it('refuses malformed entity refs', () => {
    expect(
      problemsOf({
        ...domain,
        spec: {
          owner: 'group:',
          subdomainOf: 'domain:/x',
          dataSteward: ':ada',
        },
      }),
    ).toBe(
      [
        'spec.owner: "group:" is not a valid entity reference',
        'spec.subdomainOf: "domain:/x" is not a valid entity reference',
        'spec.dataSteward: ":ada" is not a valid entity reference',
      ].join('; '),
    );
  });
});
