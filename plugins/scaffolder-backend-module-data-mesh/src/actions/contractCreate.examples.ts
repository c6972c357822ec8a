import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import YAML from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Write the contract of one output port and its columns',
    example: YAML.stringify({
      steps: [
        {
          id: 'contract',
          action: 'data-mesh:contract:create',
          name: 'Write the data contract of port orders',
          input: {
            product: 'customer-orders',
            title: 'Customer Orders',
            version: '1.0.0',
            owner: 'group:sales-data',
            domain: 'sales',
            purpose: 'Orders per customer, cleaned and deduplicated.',
            port: {
              name: 'orders',
              type: 'table',
              description: 'One row per order',
            },
            columns: [
              {
                name: 'order_id',
                type: 'string',
                description: 'Order id',
                primaryKey: true,
              },
              {
                name: 'customer_id',
                type: 'string',
                required: true,
                classification: 'confidential',
              },
              { name: 'amount', type: 'number', physicalType: 'DECIMAL(12,2)' },
              { name: 'ordered_at', type: 'timestamp' },
            ],
            slos: { freshness: 'PT24H', availability: 99.5 },
          },
        },
      ],
    }),
  },
  {
    description:
      'Write one contract per output port of the form, each to contracts/<port>.odcs.yaml',
    example: YAML.stringify({
      steps: [
        {
          id: 'contracts',
          each: '${{ parameters.outputPorts }}',
          action: 'data-mesh:contract:create',
          name: 'Write the data contracts',
          input: {
            product: '${{ parameters.name }}',
            owner: '${{ parameters.owner }}',
            domain: '${{ parameters.domain }}',
            port: '${{ each.value }}',
            columns: '${{ each.value.columns }}',
          },
        },
      ],
    }),
  },
];
