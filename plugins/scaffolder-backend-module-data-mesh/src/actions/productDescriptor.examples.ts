import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import YAML from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Write the descriptor of a new source-aligned data product',
    example: YAML.stringify({
      steps: [
        {
          id: 'descriptor',
          action: 'data-mesh:product:descriptor',
          name: 'Write catalog-info.yaml',
          input: {
            name: 'customer-orders',
            title: 'Customer Orders',
            owner: 'group:sales-data',
            domain: 'sales',
            status: 'draft',
            type: 'source-aligned',
            classification: 'confidential',
            personalData: true,
            purpose: 'Orders per customer, cleaned and deduplicated.',
            outputPorts: [
              {
                name: 'orders',
                type: 'table',
                contract: 'customer-orders-contract',
              },
            ],
          },
        },
      ],
    }),
  },
];
