/** Toxiproxy server built from the Go module proxy. */
import { goEngine } from './go-build.js';

export const TOXIPROXY_VERSION = '2.12.0';

export const toxiproxy = goEngine({
  name: 'toxiproxy',
  version: TOXIPROXY_VERSION,
  description: 'Toxiproxy server (go build github.com/Shopify/toxiproxy/v2/cmd/server)',
  module: 'github.com/Shopify/toxiproxy/v2',
  pkg: 'github.com/Shopify/toxiproxy/v2/cmd/server',
  binaryName: 'toxiproxy-server',
  // Without this GET /version answers "git".
  ldflagsX: [`github.com/Shopify/toxiproxy/v2.Version=${TOXIPROXY_VERSION}`],
  smoke: { args: ['-version'] },
});
