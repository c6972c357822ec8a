import {
  createMockDirectory,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import git from 'isomorphic-git';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createPublishLocalAction } from './publishLocal';

const descriptor = `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: customer-orders-orders-contract
spec:
  type: odcs
  lifecycle: experimental
  owner: group:sales-data
  definition:
    $text: ./contracts/orders.odcs.yaml
---
apiVersion: datamesh-portal.io/v1alpha1
kind: DataProduct
metadata:
  name: customer-orders
spec:
  owner: group:sales-data
  domain: sales
  status: draft
`;

describe('data-mesh:publish:local', () => {
  const root = createMockDirectory();
  const workspacePath = root.resolve('workspace');
  const publishDirectory = root.resolve('repos');

  beforeEach(() => {
    root.clear();
    root.addContent({
      workspace: {
        'catalog-info.yaml': descriptor,
        'README.md': '# Customer Orders\n',
        contracts: { 'orders.odcs.yaml': 'apiVersion: v3.1.0\n' },
        '.github': { workflows: { 'data-product.yaml': 'name: ci\n' } },
        docs: { 'index.md': '# Docs\n' },
        product: {
          'catalog-info.yaml': descriptor.split('---\n')[1],
          'mkdocs.yml': 'site_name: x\n',
        },
      },
    });
  });

  function setup(
    input: Record<string, unknown>,
    extra: { publishDirectory?: string; isDryRun?: boolean } = {},
  ) {
    const catalog = catalogServiceMock.mock({
      addLocation: jest.fn(async location => ({
        location: {
          id: 'location-1',
          type: location.type ?? 'url',
          target: location.target,
          entityRef: 'location:default/generated-1',
        },
        entities: [],
      })),
      getEntitiesByRefs: jest.fn(async ({ entityRefs }) => ({
        items: entityRefs.map(ref =>
          ref === 'api:default/taken-contract'
            ? { apiVersion: 'v1', kind: 'API', metadata: { name: 'taken' } }
            : undefined,
        ),
      })),
    });
    const action = createPublishLocalAction({
      publishDirectory:
        'publishDirectory' in extra ? extra.publishDirectory : publishDirectory,
      catalog,
      auth: mockServices.auth(),
    });
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath,
      user: {
        ref: 'user:default/jane',
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'jane' },
          spec: {
            profile: { displayName: 'Jane Doe', email: 'jane@example.com' },
          },
        },
      },
    });
    if (extra.isDryRun) ctx.isDryRun = true;
    return { action, ctx, catalog };
  }

  it('writes the workspace as a git repository and registers its catalog-info.yaml', async () => {
    const { action, ctx, catalog } = setup({
      repoName: 'customer-orders',
      commitMessage: 'Create data product customer-orders',
    });

    await action.handler(ctx);

    const repo = root.resolve('repos/customer-orders');
    expect(root.content({ path: 'repos/customer-orders' })).toMatchObject({
      'catalog-info.yaml': descriptor,
      'README.md': '# Customer Orders\n',
      contracts: { 'orders.odcs.yaml': 'apiVersion: v3.1.0\n' },
      '.github': { workflows: { 'data-product.yaml': 'name: ci\n' } },
      docs: { 'index.md': '# Docs\n' },
    });
    const log = await git.log({ fs, dir: repo });
    expect(log).toHaveLength(1);
    expect(log[0].commit.message).toBe('Create data product customer-orders\n');
    expect(log[0].commit.author).toMatchObject({
      name: 'Jane Doe',
      email: 'jane@example.com',
    });
    expect(await git.currentBranch({ fs, dir: repo })).toBe('main');
    // Every file is committed, dot directories too: the work tree is clean.
    const files = await git.listFiles({ fs, dir: repo });
    expect(files.sort()).toEqual([
      '.github/workflows/data-product.yaml',
      'README.md',
      'catalog-info.yaml',
      'contracts/orders.odcs.yaml',
      'docs/index.md',
      'product/catalog-info.yaml',
      'product/mkdocs.yml',
    ]);

    expect(catalog.addLocation).toHaveBeenCalledTimes(1);
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'file', target: `${repo}/catalog-info.yaml` },
      { credentials: mockCredentials.user() },
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'repoContentsUrl',
      pathToFileURL(repo).href,
    );
    expect(ctx.output).toHaveBeenCalledWith('repoPath', repo);
    expect(ctx.output).toHaveBeenCalledWith(
      'catalogInfoPath',
      `${repo}/catalog-info.yaml`,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'dataproduct:default/customer-orders',
    );
    expect(ctx.output).toHaveBeenCalledWith('commitHash', log[0].oid);
  });

  it('publishes a sub directory on a branch of its own without registering it', async () => {
    const { action, ctx, catalog } = setup({
      repoName: 'orders-product',
      sourcePath: 'product',
      defaultBranch: 'develop',
      gitAuthorName: 'Sales Data Team',
      gitAuthorEmail: 'sales-data@example.com',
      register: false,
    });

    await action.handler(ctx);

    const repo = root.resolve('repos/orders-product');
    expect(await git.listFiles({ fs, dir: repo })).toEqual([
      'catalog-info.yaml',
      'mkdocs.yml',
    ]);
    expect(await git.currentBranch({ fs, dir: repo })).toBe('develop');
    const [commit] = await git.log({ fs, dir: repo });
    expect(commit.commit.author.name).toBe('Sales Data Team');
    expect(commit.commit.message).toBe('Initial commit\n');
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('refuses to overwrite an existing non-empty directory', async () => {
    root.addContent({ repos: { 'customer-orders': { 'notes.txt': 'mine' } } });
    const { action, ctx, catalog } = setup({ repoName: 'customer-orders' });

    const error = await action.handler(ctx).then(
      () => undefined,
      e => e,
    );

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      `${root.resolve(
        'repos/customer-orders',
      )} already exists and is not empty: choose another name, or remove that directory first`,
    );
    expect(root.content({ path: 'repos' })).toEqual({
      'customer-orders': { 'notes.txt': 'mine' },
    });
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('refuses a descriptor whose entities the catalog has already', async () => {
    root.addContent({
      workspace: {
        'catalog-info.yaml': descriptor.replace(
          'customer-orders-orders-contract',
          'taken-contract',
        ),
      },
    });
    const { action, ctx, catalog } = setup({ repoName: 'customer-orders' });

    await expect(action.handler(ctx)).rejects.toThrow(
      'The catalog has api:default/taken-contract already: choose another name',
    );
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledWith(
      {
        entityRefs: [
          'api:default/taken-contract',
          'dataproduct:default/customer-orders',
        ],
        fields: ['kind', 'metadata'],
      },
      { credentials: mockCredentials.user() },
    );
    expect(fs.existsSync(root.resolve('repos'))).toBe(false);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('removes the repository again when the catalog refuses the location', async () => {
    const { action, ctx, catalog } = setup({ repoName: 'customer-orders' });
    catalog.addLocation.mockRejectedValue(new Error('Forbidden'));

    await expect(action.handler(ctx)).rejects.toThrow(
      `Could not register ${root.resolve(
        'repos/customer-orders/catalog-info.yaml',
      )} in the catalog: Forbidden`,
    );
    expect(fs.existsSync(root.resolve('repos/customer-orders'))).toBe(false);
  });

  it('accepts a location the catalog already has', async () => {
    const { action, ctx, catalog } = setup({ repoName: 'customer-orders' });
    catalog.addLocation.mockRejectedValue(
      new ConflictError('Location already exists'),
    );

    await action.handler(ctx);

    expect(fs.existsSync(root.resolve('repos/customer-orders/.git/HEAD'))).toBe(
      true,
    );
  });

  it('writes nothing in a dry run', async () => {
    const { action, ctx, catalog } = setup(
      { repoName: 'customer-orders' },
      { isDryRun: true },
    );

    await action.handler(ctx);

    expect(fs.existsSync(root.resolve('repos'))).toBe(false);
    expect(catalog.addLocation).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'dataproduct:default/customer-orders',
    );
  });

  it('lets exactly one of two runs with the same name have the repository, intact', async () => {
    root.addContent({
      other: {
        'catalog-info.yaml': descriptor.replace(/customer-orders/g, 'rival'),
        'notes.md': 'the other run\n',
      },
    });
    const first = setup({ repoName: 'customer-orders' });
    const second = setup({ repoName: 'customer-orders' });
    second.ctx.workspacePath = root.resolve('other');

    const results = await Promise.allSettled([
      first.action.handler(first.ctx),
      second.action.handler(second.ctx),
    ]);

    const won = results.flatMap((r, i) =>
      r.status === 'fulfilled' ? [i] : [],
    );
    expect(won).toHaveLength(1);
    const lost = results.find(r => r.status === 'rejected') as
      | PromiseRejectedResult
      | undefined;
    expect(lost?.reason).toBeInstanceOf(ConflictError);
    expect(lost?.reason.message).toMatch(/already exists and is not empty/);
    // The winner's files, all of them, committed, and nothing of the loser's.
    const repo = root.resolve('repos/customer-orders');
    const expected =
      won[0] === 0
        ? [
            '.github/workflows/data-product.yaml',
            'README.md',
            'catalog-info.yaml',
            'contracts/orders.odcs.yaml',
            'docs/index.md',
            'product/catalog-info.yaml',
            'product/mkdocs.yml',
          ]
        : ['catalog-info.yaml', 'notes.md'];
    expect((await git.listFiles({ fs, dir: repo })).sort()).toEqual(expected);
    expect(fs.readFileSync(`${repo}/catalog-info.yaml`, 'utf8')).toBe(
      won[0] === 0
        ? descriptor
        : descriptor.replace(/customer-orders/g, 'rival'),
    );
    expect(await git.log({ fs, dir: repo })).toHaveLength(1);
    expect(
      (await git.statusMatrix({ fs, dir: repo })).every(
        ([, head, workdir, stage]) =>
          head === 1 && workdir === 1 && stage === 1,
      ),
    ).toBe(true);
    // Only the winner registered, and no staging directory is left behind.
    const registered = [first, second].map(
      run => run.catalog.addLocation.mock.calls.length,
    );
    expect(registered).toEqual(won[0] === 0 ? [1, 0] : [0, 1]);
    expect(fs.readdirSync(root.resolve('repos'))).toEqual(['customer-orders']);
  });

  it('refuses a workspace with a symbolic link, naming it, and writes nothing', async () => {
    root.addContent({ outside: { 'secret.txt': 'not for the repository' } });
    fs.symlinkSync(
      root.resolve('outside/secret.txt'),
      root.resolve('workspace/docs/secret.txt'),
    );
    const { action, ctx, catalog } = setup({ repoName: 'customer-orders' });

    await expect(action.handler(ctx)).rejects.toThrow(
      'docs/secret.txt in the workspace is a symbolic link: only files and directories can be published',
    );
    expect(fs.existsSync(root.resolve('repos'))).toBe(false);
    expect(catalog.addLocation).not.toHaveBeenCalled();

    // A linked directory too, and in a dry run as well.
    fs.unlinkSync(root.resolve('workspace/docs/secret.txt'));
    fs.symlinkSync(root.resolve('outside'), root.resolve('workspace/linked'));
    const dryRun = setup({ repoName: 'customer-orders' }, { isDryRun: true });
    await expect(dryRun.action.handler(dryRun.ctx)).rejects.toThrow(
      /^linked in the workspace is a symbolic link/,
    );
  });

  it('refuses bad names, a missing descriptor and a missing configuration', async () => {
    const badName = setup({ repoName: '../escape' });
    await expect(badName.action.handler(badName.ctx)).rejects.toThrow(
      /^repoName: "\.\.\/escape" is not a valid repository name/,
    );

    const noDescriptor = setup({ repoName: 'docs-only', sourcePath: 'docs' });
    await expect(noDescriptor.action.handler(noDescriptor.ctx)).rejects.toThrow(
      /^catalogInfoPath: there is no catalog-info\.yaml to register/,
    );
    expect(fs.existsSync(root.resolve('repos/docs-only'))).toBe(false);

    const unconfigured = setup(
      { repoName: 'customer-orders' },
      { publishDirectory: undefined },
    );
    await expect(unconfigured.action.handler(unconfigured.ctx)).rejects.toThrow(
      /set dataMesh\.scaffolder\.localPublishDirectory in the app config/,
    );
  });
});
