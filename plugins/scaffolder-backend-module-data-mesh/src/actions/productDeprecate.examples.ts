import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import YAML from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Deprecate a product picked in the form, check the change and show it',
    example: YAML.stringify({
      steps: [
        {
          id: 'deprecate',
          action: 'data-mesh:product:deprecate',
          name: 'Write the deprecated descriptor',
          input: {
            entityRef: '${{ parameters.product }}',
            sunset: '${{ parameters.sunset }}',
            replacedBy: '${{ parameters.replacedBy }}',
          },
        },
        {
          id: 'governance',
          action: 'data-mesh:governance:check',
          name: 'Check governance policies',
          input: { entity: '${{ steps.deprecate.output.entity }}' },
        },
      ],
      output: {
        text: [
          {
            title: 'The changed catalog-info.yaml',
            content: '```yaml\n${{ steps.deprecate.output.descriptor }}\n```',
          },
        ],
      },
    }),
  },
  {
    description: 'Deprecate a product without a replacement',
    example: YAML.stringify({
      steps: [
        {
          id: 'deprecate',
          action: 'data-mesh:product:deprecate',
          name: 'Write the deprecated descriptor',
          input: {
            entityRef: 'dataproduct:default/securities-trades-legacy',
            sunset: '2027-06-30',
          },
        },
      ],
    }),
  },
];
