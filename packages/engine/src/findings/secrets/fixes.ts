import type { SecretFinding } from '../types.js';

/** What to do about a finding, in one paragraph. Rotation comes first: the image may already be out. */
export function fixFor(f: Pick<SecretFinding, 'source' | 'path' | 'layer' | 'deletedIn' | 'status'>): string {
  const rotate = 'Rotate the secret first: anyone who has the image can read it.';
  switch (f.source) {
    case 'file':
      if (f.deletedIn !== null) {
        return `${rotate} Layer ${f.deletedIn} ${f.status === 'overwritten' ? 'overwrote' : 'deleted'} /${f.path}, but layer ${f.layer} still ships its bytes (extracting that layer's tar shows them). ` +
          'Remove it from all layers with a rewrite export, and build with a secret mount (RUN --mount=type=secret) instead of COPY then rm.';
      }
      return `${rotate} Remove /${f.path} from all layers with a rewrite export, keep it out of the build context (.dockerignore), and pass it at run time or through a secret mount.`;
    case 'env':
      return `${rotate} The config's Env is shown by docker inspect: remove the variable from the config and pass it at run time (docker run -e, --env-file or a secrets manager).`;
    case 'label':
      return `${rotate} Labels are shown by docker inspect and registries: remove the label from the config.`;
    case 'cmd':
      return `${rotate} The default command is shown by docker inspect: take the secret out of Cmd/Entrypoint and read it from the environment or a mounted file at run time.`;
    case 'history':
      return `${rotate} Build arguments and RUN commands are recorded in the image history: rebuild with RUN --mount=type=secret instead of ARG/ENV, or clear that history entry in the config before exporting.`;
  }
}
