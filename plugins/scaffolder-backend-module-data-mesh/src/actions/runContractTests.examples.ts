import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import YAML from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Test the contracts of the product just registered, once the catalog has it',
    example: YAML.stringify({
      steps: [
        {
          id: 'contract-tests',
          action: 'data-mesh:contract-tests:run',
          name: 'Run the first contract test',
          input: { entityRef: '${{ steps.publish.output.entityRef }}' },
        },
      ],
    }),
  },
];
