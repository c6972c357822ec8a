import {
  AccessProvisioner,
  assertValidAccessProvisioner,
} from './accessProvisioners';

const provisioner: AccessProvisioner = {
  supports: type => type === 'postgres',
  grant: async () => ({ role: 'r', changes: [] }),
  revoke: async () => ({ role: 'r', changes: [] }),
  inspect: async () => ({ role: 'r', granted: true, missing: [] }),
};

describe('assertValidAccessProvisioner', () => {
  it('accepts a well-formed provisioner', () => {
    expect(() => assertValidAccessProvisioner(provisioner)).not.toThrow();
  });

  it('refuses what is not a provisioner, naming the missing method', () => {
    expect(() => assertValidAccessProvisioner(undefined as any)).toThrow(
      'Access provisioner must be an object',
    );
    expect(() =>
      assertValidAccessProvisioner({ ...provisioner, inspect: 'no' as any }),
    ).toThrow('Access provisioner: inspect must be a function');
    const { revoke: _revoke, ...withoutRevoke } = provisioner;
    expect(() => assertValidAccessProvisioner(withoutRevoke as any)).toThrow(
      'Access provisioner: revoke must be a function',
    );
  });
});
