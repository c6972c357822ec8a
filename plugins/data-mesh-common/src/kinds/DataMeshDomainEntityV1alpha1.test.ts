import { isValidDataMeshDomainEntity } from './DataMeshDomainEntityV1alpha1';
import { Problem } from '../validation/problems';

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

/** The problems of an entity, each as `field: message`; the error's message joins them. */
function problemsOf(entity: unknown): string[] {
  try {
    isValidDataMeshDomainEntity(entity);
  } catch (error) {
    expect(error).toMatchObject({ name: 'InputError' });
    const { message, problems } = error as Error & { problems: Problem[] };
    const lines = problems.map(p => `${p.field}: ${p.message}`);
    expect(message).toBe(lines.join('; '));
    return lines;
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
    ).toEqual([
      'spec.stewards: is not a known field (known: owner, type, subdomainOf, dataSteward, policies)',
      'spec.owner: must not be empty',
      'spec.subdomainOf: must be a string, got 3',
      'spec.policies[0].id: must be a policy id such as no-personal-data (lowercase letters and digits, single hyphens between them), got "Bad Id"',
      'spec.policies[0].severity: must be one of error, warning, got "fatal"',
      'spec.policies[1].rule: is required',
      'spec.policies[2]: must be an object, got "x"',
    ]);
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
    ).toEqual([
      'spec.owner: "group:" is not a valid entity reference',
      'spec.subdomainOf: "domain:/x" is not a valid entity reference',
      'spec.dataSteward: ":ada" is not a valid entity reference',
    ]);
  });
});
