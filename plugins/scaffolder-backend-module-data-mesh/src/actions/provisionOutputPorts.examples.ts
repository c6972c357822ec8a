import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import YAML from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Create the tables of a new product's ports on the domain's default server, after its contracts are written",
    example: YAML.stringify({
      steps: [
        {
          id: 'provision',
          action: 'data-mesh:provision-output-ports',
          name: 'Create the tables',
          input: { entity: '${{ steps.descriptor.output.entity }}' },
        },
      ],
    }),
  },
  {
    description:
      'Create them on a server chosen in the form, the contracts in another folder',
    example: YAML.stringify({
      steps: [
        {
          id: 'provision',
          action: 'data-mesh:provision-output-ports',
          name: 'Create the tables',
          input: {
            entity: '${{ steps.descriptor.output.entity }}',
            server: '${{ parameters.server }}',
            contractsDirectory: 'data-contracts',
          },
        },
      ],
    }),
  },
];
