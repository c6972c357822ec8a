import { Entity } from '@backstage/catalog-model';
import { AccessConfig } from './accessConfig';
import {
  consumerDatabaseRole,
  DATABASE_ROLE_ANNOTATION,
} from './consumerDatabaseRole';

function group(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'marketing', annotations },
    spec: { type: 'team', children: [] },
  };
}

const none: AccessConfig = { provisioning: new Map(), consumerRoles: [] };

describe('consumerDatabaseRole', () => {
  it('takes config for the server, then config for every server, then the annotations', () => {
    const access: AccessConfig = {
      provisioning: new Map(),
      consumerRoles: [
        { entityRef: 'group:default/marketing', role: 'mkt_all' },
        {
          entityRef: 'group:default/marketing',
          role: 'mkt_warehouse',
          server: 'warehouse',
        },
      ],
    };
    const annotated = group({
      [DATABASE_ROLE_ANNOTATION]: 'annotated',
      [`${DATABASE_ROLE_ANNOTATION}.lake`]: 'annotated_lake',
    });
    expect(consumerDatabaseRole(annotated, access, 'warehouse')).toBe(
      'mkt_warehouse',
    );
    expect(consumerDatabaseRole(annotated, access, 'lake')).toBe('mkt_all');
    expect(consumerDatabaseRole(annotated, none, 'lake')).toBe(
      'annotated_lake',
    );
    expect(consumerDatabaseRole(annotated, none, 'warehouse')).toBe(
      'annotated',
    );
  });

  it('keeps a role name as it is, quotes and all (it is quoted when used)', () => {
    expect(
      consumerDatabaseRole(
        group({ [DATABASE_ROLE_ANNOTATION]: 'Robert"; DROP ROLE x; --' }),
        none,
        'warehouse',
      ),
    ).toBe('Robert"; DROP ROLE x; --');
  });

  it('says what to set when there is no role, and refuses an annotation that is no role name', () => {
    expect(() => consumerDatabaseRole(group(), none, 'warehouse')).toThrow(
      'group:default/marketing has no database role on server warehouse: set one in dataMesh.access.consumerRoles, or annotate the entity with datamesh-portal.io/database-role',
    );
    const cases: Array<[string, string]> = [
      ['', 'it must be a non-empty string'],
      [' analysts', 'it has spaces at its ends'],
      ['a'.repeat(64), 'it is longer than 63 bytes'],
      ['a\u0000b', 'it contains a control character'],
    ];
    for (const [value, problem] of cases) {
      expect(() =>
        consumerDatabaseRole(
          group({ [DATABASE_ROLE_ANNOTATION]: value }),
          none,
          'warehouse',
        ),
      ).toThrow(
        `The annotation datamesh-portal.io/database-role of group:default/marketing is not a database role name: ${problem}`,
      );
    }
  });
});
