import {
  OutputPortProvisioner,
  assertValidOutputPortProvisioner,
} from './outputPortProvisioners';

const plan = {
  server: { id: 's', type: 'postgres' },
  dialect: 'postgres',
  objects: [],
  statements: [],
  notes: [],
};
const provisioner: OutputPortProvisioner = {
  supports: type => type === 'postgres',
  plan: async () => plan,
  apply: async () => plan,
  unprovision: async () => ({ dropped: [], skipped: [] }),
};

describe('assertValidOutputPortProvisioner', () => {
  it('accepts a well-formed provisioner', () => {
    expect(() => assertValidOutputPortProvisioner(provisioner)).not.toThrow();
  });

  it('refuses what is not a provisioner, naming the missing method', () => {
    expect(() => assertValidOutputPortProvisioner(null as any)).toThrow(
      'Output port provisioner must be an object',
    );
    const { unprovision: _u, ...withoutUnprovision } = provisioner;
    expect(() =>
      assertValidOutputPortProvisioner(withoutUnprovision as any),
    ).toThrow('Output port provisioner: unprovision must be a function');
  });
});
