// A real OpenID provider for trygg's sign-in tests: panva's oidc-provider (certified by the
// OpenID Foundation), with its development login and consent pages. Started by tests/oidc.rs.
//
// Environment: PORT (to listen on, 127.0.0.1), REDIRECT_URIS (comma-separated, the client's),
// ACCOUNTS (JSON: login name -> claims {email, name, groups}). Any password signs an account in.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'trygg',
    client_secret: 'hemligt-for-test',
    redirect_uris: process.env.REDIRECT_URIS.split(','),
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  pkce: { required: () => true, methods: ['S256'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  // Put the scopes' claims in the ID token, as Entra ID does with groups.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['trygg-test-only'] },
  async findAccount(ctx, id) {
    const a = accounts[id];
    if (!a) return undefined;
    return { accountId: id, async claims() { return { sub: id, email_verified: true, ...a }; } };
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
