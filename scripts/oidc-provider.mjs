// A real OpenID Connect provider for the tests (scripts/test-env.sh starts it): the npm package
// `oidc-provider` (pinned in test-env.sh, installed under ~/.cache/pelihara-test), with one
// confidential client for Pelihara and a few accounts whose claims include a NIP and an email.
// Test use only: its login form (the package's development interaction) accepts any password,
// its signing keys are made fresh at each start, and the client secret below is public.
//
// Usage: node scripts/oidc-provider.mjs --module-dir DIR --port-file FILE
//   DIR   the folder whose node_modules holds oidc-provider
//   FILE  where the port it listens on (127.0.0.1, chosen by the kernel) is written once ready
//
// The client `pelihara-test` (secret `pelihara-test-secret`) is a native application, so its
// loopback redirect URI http://127.0.0.1/masuk/sso/kembali matches on any port (RFC 8252
// 7.3): each test's server listens on a port of its own. PKCE is required, consent is given
// by the office for its own client (no consent page), and the profile scope carries `nip`.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function argument(name) {
  const index = process.argv.indexOf(name);
  if (index < 0 || index + 1 >= process.argv.length) {
    console.error(`missing ${name}`);
    process.exit(2);
  }
  return process.argv[index + 1];
}

const moduleDir = argument('--module-dir');
const portFile = argument('--port-file');
const require = createRequire(join(moduleDir, 'package.json'));
const { default: Provider, interactionPolicy } = await import(
  pathToFileURL(require.resolve('oidc-provider')).href
);

// The package asks every native client for consent (a native app's redirect can be claimed by
// another app); the office's own client is a web server on loopback here, so that check goes,
// as a real office's provider shows no consent page for its own applications.
const policy = interactionPolicy.base();
policy.get('consent').checks.remove('native_client_prompt');

export const CLIENT_ID = 'pelihara-test';
export const CLIENT_SECRET = 'pelihara-test-secret';

// The accounts the tests sign in as (their login name is the subject). Pelihara's tests
// create the matching Pelihara accounts themselves; `orang-luar` matches none of them.
const ACCOUNTS = {
  'sari': {
    name: 'Sari Pelaksana SSO',
    preferred_username: 'sari.sso',
    nip: '198703122010012001',
    email: 'sari.sso@pelihara.test',
    email_verified: true,
  },
  'opd-dinkes': {
    name: 'Operator Dinkes SSO',
    preferred_username: 'opd.dinkes.sso',
    nip: '199001012015011002',
    email: 'opd.dinkes.sso@pelihara.test',
    email_verified: true,
  },
  'orang-luar': {
    name: 'Orang Luar',
    preferred_username: 'orang.luar',
    nip: '199912312020121999',
    email: 'orang.luar@pelihara.test',
    email_verified: true,
  },
};

const configuration = {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/masuk/sso/kembali'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  interactions: { policy },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'nip'],
  },
  cookies: { keys: ['pelihara-test-cookie-key'] },
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) {
      return undefined;
    }
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
  // The office's own client needs no consent page: the grant is given at once.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
};

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
  // Quiet: the test environment's log is for failures.
  provider.on('server_error', (_ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  writeFileSync(`${portFile}.partial`, `${port}\n`);
  renameSync(`${portFile}.partial`, portFile);
  console.log(`oidc-provider on http://127.0.0.1:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
