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
  {
    description:
      'Write the descriptor with the API entities of its port contracts and an upstream product picked in the form',
    example: YAML.stringify({
      steps: [
        {
          id: 'descriptor',
          action: 'data-mesh:product:descriptor',
          name: 'Write catalog-info.yaml',
          input: {
            name: 'customer-lifetime-value',
            title: 'Customer Lifetime Value',
            description: 'Predicted lifetime value of every customer.',
            owner: 'group:default/sales-data',
            domain: 'domain:default/sales',
            status: 'draft',
            type: 'consumer-aligned',
            version: '0.1.0',
            classification: 'internal',
            personalData: false,
            purpose:
              'Rank customers by predicted value for retention campaigns.',
            inputPorts: [
              {
                dataProduct: 'dataproduct:default/customer-orders',
                outputPort: 'orders',
              },
            ],
            outputPorts: [
              {
                name: 'scores',
                type: 'table',
                description: 'One row per customer',
              },
            ],
            slos: { freshness: 'P1D', availability: 99 },
            contractsDirectory: 'contracts',
          },
        },
      ],
    }),
  },
];
