import { ConfigReader } from '@backstage/config';
import { ServerConfig } from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { readAccessConfig } from './accessConfig';

const servers = new Map<string, ServerConfig>([
  [
    'warehouse',
    {
      type: 'postgres',
      host: 'db',
      port: 5432,
      database: 'analytics',
      user: 'reader',
    },
  ],
  ['lake', { type: 'duckdb', path: '/data/lake.duckdb' }],
]);

const read = (access: object) =>
  readAccessConfig(new ConfigReader({ dataMesh: { access } }), servers);

describe('readAccessConfig', () => {
  it('is empty without dataMesh.access', () => {
    expect(readAccessConfig(new ConfigReader({}), servers)).toEqual({
      provisioning: new Map(),
      consumerRoles: [],
    });
  });

  it('reads the provisioning users and the consumers roles, refs made canonical', () => {
    expect(
      read({
        servers: {
          warehouse: { user: 'dm_provisioner', password: 'secret' },
        },
        consumerRoles: [
          { entity: 'group:Marketing', role: 'marketing_reader' },
          {
            entity: 'component:default/churn-model',
            role: 'Churn Model',
            server: 'warehouse',
          },
        ],
      }),
    ).toEqual({
      provisioning: new Map([
        [
          'warehouse',
          { user: 'dm_provisioner', password: 'secret', maxConnections: 2 },
        ],
      ]),
      consumerRoles: [
        {
          entityRef: 'group:default/marketing',
          role: 'marketing_reader',
          server: undefined,
        },
        {
          entityRef: 'component:default/churn-model',
          role: 'Churn Model',
          server: 'warehouse',
        },
      ],
    });
  });

  it('refuses bad settings, naming the key', () => {
    const cases: Array<[object, string]> = [
      [
        { servers: { elsewhere: { user: 'u' } } },
        'dataMesh.access.servers.elsewhere: there is no server elsewhere in dataMesh.servers',
      ],
      [
        { servers: { lake: { user: 'u' } } },
        'dataMesh.access.servers.lake: server lake is a duckdb server; access is granted on postgres servers only',
      ],
      [
        { servers: { warehouse: { user: 'u', maxConnections: 0 } } },
        'dataMesh.access.servers.warehouse.maxConnections: must be a whole number from 1 to 20',
      ],
      [
        { servers: { warehouse: { user: 'u'.repeat(64) } } },
        'dataMesh.access.servers.warehouse.user: is longer than 63 bytes',
      ],
      [
        { servers: { warehouse: {} } },
        "Missing required config value at 'dataMesh.access.servers.warehouse.user'",
      ],
      [
        { consumerRoles: [{ entity: 'group:default/', role: 'r' }] },
        'dataMesh.access.consumerRoles[0].entity: "group:default/" is not a valid entity ref',
      ],
      [
        {
          consumerRoles: [{ entity: 'group:a', role: 'r', server: 'nowhere' }],
        },
        'dataMesh.access.consumerRoles[0].server: there is no server nowhere in dataMesh.servers',
      ],
      [
        { consumerRoles: [{ entity: 'group:a', role: '' }] },
        "Invalid type in config for key 'dataMesh.access.consumerRoles[0].role'",
      ],
      [
        {
          consumerRoles: [
            { entity: 'group:a', role: 'r', server: 'warehouse' },
            { entity: 'Group:default/A', role: 's', server: 'warehouse' },
          ],
        },
        'dataMesh.access.consumerRoles[1]: group:default/a already has a role on server warehouse at dataMesh.access.consumerRoles[0]',
      ],
    ];
    for (const [access, message] of cases) {
      expect(() => read(access)).toThrow(message);
    }
  });
});
