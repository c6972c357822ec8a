import { AccessProvisioner } from '@datamesh-portal/plugin-data-mesh-node';
import { AccessProvisioners } from './AccessProvisioners';

function provisioner(type: string, role: string): AccessProvisioner {
  return {
    supports: serverType => serverType === type,
    grant: async () => ({ role, changes: ['granted'] }),
    revoke: async () => ({ role, changes: [] }),
    inspect: async () => ({ role, granted: true, missing: [] }),
  };
}

const request = (type: string) => ({
  agreementId: 'a',
  server: { id: 'warehouse', type },
  consumerRole: 'analysts',
  tables: [{ schema: 's', table: 't' }],
});

describe('AccessProvisioners', () => {
  const provisioners = new AccessProvisioners([
    provisioner('snowflake', 'from-module'),
    provisioner('postgres', 'module-postgres'),
    provisioner('postgres', 'built-in'),
  ]);

  it('sends each request to the first provisioner of its server type', async () => {
    expect((await provisioners.grant(request('snowflake'))).role).toBe(
      'from-module',
    );
    expect((await provisioners.revoke(request('postgres'))).role).toBe(
      'module-postgres',
    );
    expect((await provisioners.inspect(request('postgres'))).role).toBe(
      'module-postgres',
    );
    expect(provisioners.supports('postgres')).toBe(true);
    expect(provisioners.supports('duckdb')).toBe(false);
  });

  it('refuses a server no provisioner handles, naming it', () => {
    expect(() => provisioners.grant(request('duckdb'))).toThrow(
      'No access provisioner handles server warehouse of type duckdb',
    );
  });
});
