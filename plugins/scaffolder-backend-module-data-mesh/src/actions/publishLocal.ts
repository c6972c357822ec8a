import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import git from 'isomorphic-git';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { examples } from './publishLocal.examples';
import { errorMessage, initiatorOrOwnCredentials, NAME_PATTERN } from './util';

/** The config key of the directory local repositories are written to. @public */
export const LOCAL_PUBLISH_DIRECTORY_CONFIG =
  'dataMesh.scaffolder.localPublishDirectory';

const DEFAULT_AUTHOR = {
  name: 'Data Mesh Portal',
  email: 'data-mesh-portal@localhost',
};

/**
 * Publishes the workspace as a git repository in a local directory and registers its
 * `catalog-info.yaml` in the catalog as a `file` location: the embedded example portal's
 * stand-in for `publish:github` + `catalog:register`, so that templates work with no Git host.
 * @public
 */
export function createPublishLocalAction(options: {
  /** Absolute directory the repositories are written to; unset, the action refuses to run. */
  publishDirectory?: string;
  catalog: CatalogService;
  auth: AuthService;
}) {
  const { publishDirectory, catalog, auth } = options;
  return createTemplateAction({
    id: 'data-mesh:publish:local',
    description: `Writes the workspace as a new git repository under the local directory configured in ${LOCAL_PUBLISH_DIRECTORY_CONFIG} and registers its catalog-info.yaml in the catalog (a file location). For portals without a Git host; use publish:github and catalog:register otherwise.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .describe(
              'Name of the repository directory, e.g. the product name (letters, digits and - _ . between them)',
            ),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace directory to publish; default the whole workspace',
            ),
        defaultBranch: z =>
          z.string().optional().describe('Branch name; default main'),
        commitMessage: z =>
          z.string().optional().describe('Default "Initial commit"'),
        gitAuthorName: z =>
          z
            .string()
            .optional()
            .describe("Default the initiator's display name"),
        gitAuthorEmail: z =>
          z.string().optional().describe("Default the initiator's email"),
        catalogInfoPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of the descriptor in the repository; default catalog-info.yaml',
            ),
        register: z =>
          z
            .boolean()
            .optional()
            .describe('Register the descriptor in the catalog; default true'),
      },
      output: {
        repoContentsUrl: z =>
          z.string().describe('file: URL of the repository directory'),
        repoPath: z =>
          z.string().describe('Absolute path of the repository directory'),
        catalogInfoPath: z =>
          z.string().describe('Absolute path of the registered descriptor'),
        entityRef: z =>
          z
            .string()
            .optional()
            .describe(
              'Ref of the main entity of the descriptor (its DataProduct, else its first entity)',
            ),
        commitHash: z => z.string().describe('The initial commit'),
      },
    },
    async handler(ctx) {
      const {
        repoName,
        sourcePath,
        defaultBranch = 'main',
        commitMessage = 'Initial commit',
        catalogInfoPath = 'catalog-info.yaml',
        register = true,
      } = ctx.input;
      if (!publishDirectory) {
        throw new InputError(
          `data-mesh:publish:local has nowhere to publish to: set ${LOCAL_PUBLISH_DIRECTORY_CONFIG} in the app config, or publish with publish:github and catalog:register instead`,
        );
      }
      if (!NAME_PATTERN.test(repoName) || repoName.length > 100) {
        throw new InputError(
          `repoName: ${JSON.stringify(
            repoName,
          )} is not a valid repository name (letters and digits with - _ . between them)`,
        );
      }
      const source = resolveSafeChildPath(ctx.workspacePath, sourcePath ?? '.');
      const repoPath = resolveSafeChildPath(publishDirectory, repoName);
      const descriptorFile = resolveSafeChildPath(repoPath, catalogInfoPath);
      const descriptorSource = resolveSafeChildPath(source, catalogInfoPath);

      if (!(await isEmptyOrMissing(repoPath))) throw alreadyExists(repoPath);
      const files = await listWorkspaceFiles(source);
      const entities = await readDescriptor(descriptorSource, register);
      const main = entities.find(e => e.kind === 'DataProduct') ?? entities[0];
      const entityRef = main ? stringifyEntityRef(main) : undefined;
      if (register && entities.length) {
        await refuseKnownEntities(entities, {
          credentials: await initiatorOrOwnCredentials(ctx, auth),
        });
      }
      const outputs = {
        repoContentsUrl: pathToFileURL(repoPath).href,
        repoPath,
        catalogInfoPath: descriptorFile,
      };

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would publish ${
            sourcePath ?? 'the workspace'
          } to ${repoPath}${register ? ` and register ${descriptorFile}` : ''}`,
        );
        for (const [name, value] of Object.entries(outputs)) {
          ctx.output(name as keyof typeof outputs, value);
        }
        if (entityRef) ctx.output('entityRef', entityRef);
        ctx.output('commitHash', '0'.repeat(40));
        return;
      }

      // The repository is built in a directory of its own beside the target and renamed into
      // place: a rename onto a non-empty directory fails, so of two runs with the same name
      // exactly one gets it, and nobody ever sees (or deletes) a half-written repository.
      await fs.mkdir(publishDirectory, { recursive: true });
      // Hidden, and never a valid repoName (those start with a letter or digit).
      const staging = await fs.mkdtemp(
        path.join(publishDirectory, `.${repoName}.publishing-`),
      );
      let commitHash: string;
      try {
        await copyFiles(source, staging, files);
        commitHash = await commitAll(staging, {
          defaultBranch,
          message: commitMessage,
          author: authorOf(ctx),
        });
        await fs.rename(staging, repoPath).catch(error => {
          throw ['ENOTEMPTY', 'EEXIST'].includes(error?.code)
            ? alreadyExists(repoPath)
            : error;
        });
      } catch (error) {
        await fs.rm(staging, { recursive: true, force: true });
        throw error;
      }
      ctx.logger.info(
        `Published ${repoPath} (branch ${defaultBranch}, commit ${commitHash.slice(
          0,
          7,
        )})`,
      );
      if (register) {
        try {
          await registerLocation(descriptorFile, {
            logger: ctx.logger,
            credentials: await initiatorOrOwnCredentials(ctx, auth),
          });
        } catch (error) {
          // The repository is this run's own (the rename put it there): remove it, so that
          // running the template again works.
          await fs.rm(repoPath, { recursive: true, force: true });
          throw error;
        }
      }

      for (const [name, value] of Object.entries(outputs)) {
        ctx.output(name as keyof typeof outputs, value);
      }
      if (entityRef) ctx.output('entityRef', entityRef);
      ctx.output('commitHash', commitHash);
    },
  });

  /**
   * Registering a descriptor whose entities the catalog already has from another location
   * would only produce a conflict in the catalog's processing log: say so before publishing.
   */
  async function refuseKnownEntities(
    entities: Entity[],
    { credentials }: { credentials: BackstageCredentials },
  ) {
    const refs = entities.map(e => stringifyEntityRef(e));
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: ['kind', 'metadata'] },
      { credentials },
    );
    const known = items.flatMap((item, i) => (item ? [refs[i]] : []));
    if (known.length) {
      throw new ConflictError(
        `The catalog has ${known.join(', ')} already: choose another name`,
      );
    }
  }

  async function registerLocation(
    target: string,
    {
      logger,
      credentials,
    }: { logger: LoggerService; credentials: BackstageCredentials },
  ) {
    try {
      await catalog.addLocation({ type: 'file', target }, { credentials });
      logger.info(`Registered ${target} in the catalog`);
    } catch (error) {
      if ((error as Error)?.name === 'ConflictError') {
        logger.info(`${target} was already registered in the catalog`);
        return;
      }
      // The catalog client's error says the status; its body says why.
      const reason =
        (error as { body?: { error?: { message?: string } } })?.body?.error
          ?.message ?? errorMessage(error);
      const hint = /allowed type/.test(reason)
        ? ' (the catalog accepts url locations only, unless a catalog module allows file locations: see data-mesh:publish:local in the README of @datamesh-portal/plugin-scaffolder-backend-module-data-mesh)'
        : '';
      throw new Error(
        `Could not register ${target} in the catalog: ${reason}${hint}`,
      );
    }
  }
}

function alreadyExists(repoPath: string) {
  return new ConflictError(
    `${repoPath} already exists and is not empty: choose another name, or remove that directory first`,
  );
}

/**
 * The directories and files to publish, relative to `source`, without `.git` directories.
 * Only directories and regular files are published: a symbolic link would make the
 * repository (and the catalog reading it) reach outside the workspace.
 */
async function listWorkspaceFiles(
  source: string,
): Promise<Array<{ path: string; directory: boolean }>> {
  const found: Array<{ path: string; directory: boolean }> = [];
  async function visit(relative: string) {
    const stat = await fs.lstat(path.join(source, relative));
    const name = relative || source;
    if (stat.isSymbolicLink()) {
      throw new InputError(
        `${name} in the workspace is a symbolic link: only files and directories can be published`,
      );
    }
    if (!relative && !stat.isDirectory()) {
      throw new InputError(
        `sourcePath: ${source} is not a directory of the workspace`,
      );
    }
    if (stat.isDirectory()) {
      if (relative) found.push({ path: relative, directory: true });
      const entries = await fs.readdir(path.join(source, relative));
      for (const entry of entries.sort()) {
        if (entry !== '.git') await visit(path.join(relative, entry));
      }
    } else if (stat.isFile()) {
      found.push({ path: relative, directory: false });
    } else {
      throw new InputError(
        `${name} in the workspace is not a regular file: only files and directories can be published`,
      );
    }
  }
  await visit('');
  return found;
}

/** Copies what {@link listWorkspaceFiles} found; never overwrites. */
async function copyFiles(
  source: string,
  target: string,
  files: Array<{ path: string; directory: boolean }>,
) {
  for (const file of files) {
    if (file.directory) {
      await fs.mkdir(path.join(target, file.path));
    } else {
      await fs.copyFile(
        path.join(source, file.path),
        path.join(target, file.path),
        fs.constants.COPYFILE_EXCL,
      );
    }
  }
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * The entities of the descriptor; checks it is there and readable when it is to be
 * registered.
 */
async function readDescriptor(
  file: string,
  required: boolean,
): Promise<Entity[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    if (required) {
      throw new InputError(
        `catalogInfoPath: there is no ${path.basename(
          file,
        )} to register in the workspace (${file})`,
      );
    }
    return [];
  }
  const documents = YAML.parseAllDocuments(text);
  const broken = documents.find(doc => doc.errors.length);
  if (broken) {
    throw new InputError(
      `catalogInfoPath: ${path.basename(file)} is not valid YAML: ${
        broken.errors[0].message
      }`,
    );
  }
  return documents
    .map(doc => doc.toJS())
    .filter(e => e && typeof e === 'object' && e.kind && e.metadata?.name);
}

function authorOf(ctx: {
  input: { gitAuthorName?: string; gitAuthorEmail?: string };
  user?: {
    ref?: string;
    entity?: { metadata: { name: string }; spec?: any };
  };
}): { name: string; email: string } {
  const profile = ctx.user?.entity?.spec?.profile ?? {};
  return {
    name:
      ctx.input.gitAuthorName ||
      profile.displayName ||
      ctx.user?.entity?.metadata.name ||
      ctx.user?.ref ||
      DEFAULT_AUTHOR.name,
    email: ctx.input.gitAuthorEmail || profile.email || DEFAULT_AUTHOR.email,
  };
}

async function commitAll(
  dir: string,
  options: {
    defaultBranch: string;
    message: string;
    author: { name: string; email: string };
  },
): Promise<string> {
  await git.init({ fs: fsSync, dir, defaultBranch: options.defaultBranch });
  const files = await git.statusMatrix({ fs: fsSync, dir });
  if (files.length) {
    await git.add({
      fs: fsSync,
      dir,
      filepath: files.map(([file]) => file),
    });
  }
  return git.commit({
    fs: fsSync,
    dir,
    message: options.message,
    author: options.author,
  });
}
