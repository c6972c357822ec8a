import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import YAML from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Check the draft product written by data-mesh:product:descriptor before publishing it',
    example: YAML.stringify({
      steps: [
        {
          id: 'descriptor',
          action: 'data-mesh:product:descriptor',
          name: 'Write catalog-info.yaml',
          input: {
            name: '${{ parameters.name }}',
            owner: '${{ parameters.owner }}',
            domain: '${{ parameters.domain }}',
          },
        },
        {
          id: 'governance',
          action: 'data-mesh:governance:check',
          name: 'Check governance policies',
          input: { entity: '${{ steps.descriptor.output.entity }}' },
        },
      ],
    }),
  },
  {
    description:
      'Check a product given inline, with facts a pipeline would push (fact source ci)',
    example: YAML.stringify({
      steps: [
        {
          id: 'governance',
          action: 'data-mesh:governance:check',
          name: 'Check governance policies',
          input: {
            entity: {
              apiVersion: 'datamesh-portal.io/v1alpha1',
              kind: 'DataProduct',
              metadata: { name: 'customer-orders' },
              spec: {
                owner: 'group:sales-data',
                domain: 'sales',
                status: 'draft',
                classification: 'confidential',
                personalData: true,
              },
            },
            facts: { ci: { testsFailed: 0 } },
          },
        },
      ],
    }),
  },
];
