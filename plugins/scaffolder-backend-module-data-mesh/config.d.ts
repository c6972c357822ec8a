export interface Config {
  dataMesh?: {
    /** Scaffolder actions of the data mesh (`data-mesh:*`). */
    scaffolder?: {
      /**
       * Directory the `data-mesh:publish:local` action writes new repositories to, one git
       * repository per template run, registered in the catalog as `file` locations. Absolute,
       * or relative to the backend's working directory. Unset, the action refuses to run: use
       * `publish:github` and `catalog:register` instead.
       */
      localPublishDirectory?: string;
    };
  };
}
