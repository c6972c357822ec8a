import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import YAML from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish the workspace as a local git repository and register its catalog-info.yaml',
    example: YAML.stringify({
      steps: [
        {
          id: 'publish',
          action: 'data-mesh:publish:local',
          name: 'Publish to the local repository directory',
          input: {
            repoName: '${{ parameters.name }}',
            commitMessage: 'Create data product ${{ parameters.name }}',
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open in catalog',
            icon: 'catalog',
            entityRef: '${{ steps.publish.output.entityRef }}',
          },
          {
            title: 'Repository',
            url: '${{ steps.publish.output.repoContentsUrl }}',
          },
        ],
      },
    }),
  },
  {
    description:
      'Publish a sub directory of the workspace on a branch of its own, without registering it',
    example: YAML.stringify({
      steps: [
        {
          id: 'publish',
          action: 'data-mesh:publish:local',
          name: 'Publish the product directory',
          input: {
            repoName: 'customer-orders',
            sourcePath: 'product',
            defaultBranch: 'develop',
            gitAuthorName: 'Sales Data Team',
            gitAuthorEmail: 'sales-data@example.com',
            register: false,
          },
        },
      ],
    }),
  },
];
