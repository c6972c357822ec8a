// The guard is a test of its own, declared by the suites that call this helper.
/* eslint-disable jest/no-export */
import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * The PostgreSQL test database of a suite about a shared database server. Without a server the
 * suite fails with what to set, instead of passing without testing anything.
 */
export function postgresOnly(): TestDatabases {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  if (!databases.supports('POSTGRES_15')) {
    it('needs PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING', () => {
      expect(
        process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
      ).toBeDefined();
    });
  }
  return databases;
}
