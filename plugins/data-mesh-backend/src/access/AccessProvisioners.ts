import { InputError } from '@backstage/errors';
import {
  AccessGrantRequest,
  AccessProvisioner,
  AccessRevokeRequest,
  AccessServerRef,
} from '@datamesh-portal/plugin-data-mesh-node';

/**
 * The provisioners of the backend in order (those of modules first, the built-in PostgreSQL
 * one last), as one: each request goes to the first that supports its server's type.
 */
export class AccessProvisioners implements AccessProvisioner {
  constructor(private readonly provisioners: AccessProvisioner[]) {}

  supports(serverType: string): boolean {
    return this.provisioners.some(p => p.supports(serverType));
  }

  grant(request: AccessGrantRequest) {
    return this.for(request.server).grant(request);
  }

  revoke(request: AccessRevokeRequest) {
    return this.for(request.server).revoke(request);
  }

  inspect(request: AccessGrantRequest) {
    return this.for(request.server).inspect(request);
  }

  private for(server: AccessServerRef): AccessProvisioner {
    const provisioner = this.provisioners.find(p => p.supports(server?.type));
    if (!provisioner) {
      throw new InputError(
        `No access provisioner handles server ${server?.id} of type ${server?.type}`,
      );
    }
    return provisioner;
  }
}
