import { afterEach, describe, expect, it } from 'vitest';
import { checkLauncher, containerLayout, imageFor, imageOverrides } from '../../../../harness/launch/containers.js';
import { RESTATE_VERSION } from '../../../../harness/engines/restate.js';
import { DAPR_VERSION } from '../../../../harness/engines/daprd.js';

const saved = { launcher: process.env.ORDEAL_LAUNCHER, images: process.env.ORDEAL_IMAGES };
afterEach(() => {
  for (const [k, v] of [
    ['ORDEAL_LAUNCHER', saved.launcher],
    ['ORDEAL_IMAGES', saved.images],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

describe('the containers launcher: which image runs which engine binary', () => {
  it('runs an engine from its official image, pinned to the version ordeal pins, at the path that image has the binary', () => {
    delete process.env.ORDEAL_IMAGES;
    expect(imageFor('/x/.engines/restate/bin/restate-server')).toEqual({
      image: `docker.restate.dev/restatedev/restate:${RESTATE_VERSION}`,
      bin: '/usr/local/bin/restate-server',
    });
    // Dapr's three binaries come from one image
    expect(imageFor('/x/.engines/daprd/bin/placement')).toEqual({ image: `daprio/dapr:${DAPR_VERSION}`, bin: '/placement' });
  });

  it('takes the image given with --image, keeping each binary where the official image has it unless bin= says otherwise', () => {
    process.env.ORDEAL_IMAGES = 'dapr=local/dapr:1 temporal=my/temporal:2,bin=/usr/bin/temporal';
    expect(imageFor('/e/daprd/bin/scheduler')).toEqual({ image: 'local/dapr:1', bin: '/scheduler' });
    expect(imageFor('/e/temporal/bin/temporal')).toEqual({ image: 'my/temporal:2', bin: '/usr/bin/temporal' });
  });

  it('says how to get an image for an engine that publishes none (the Durable Task sidecar)', () => {
    delete process.env.ORDEAL_IMAGES;
    expect(() => imageFor('/e/bin/durabletask-go')).toThrow(/publishes no official image.*--image durabletask=IMAGE/);
  });

  it('refuses a binary no image is known for, naming the engines that do run in containers', () => {
    expect(() => imageFor('/usr/bin/java')).toThrow(/no image is known for \/usr\/bin\/java.*restate, temporal/);
  });

  it('refuses malformed --image values and unknown launchers with a usage error (exit 2)', () => {
    for (const bad of ['restate', 'restate=', 'nosuch=img:1', 'restate=img,bin=relative'])
      expect(() => imageOverrides(bad), bad).toThrow(
        expect.objectContaining({ exitCode: 2, message: expect.stringContaining(`--image '${bad.split(' ')[0]}'`) }),
      );
    process.env.ORDEAL_LAUNCHER = 'podman';
    expect(() => checkLauncher()).toThrow(/--launcher 'podman': expected one of native, containers/);
  });

  it('lays out every engine image the way the official image has it (what local images copy)', () => {
    expect(containerLayout().dapr).toEqual({ daprd: '/daprd', placement: '/placement', scheduler: '/scheduler' });
    expect(containerLayout().restate).toEqual({ 'restate-server': '/usr/local/bin/restate-server' });
  });
});
