import 'server-only';

/**
 * API keys for programmatic access: users' and orgs' keys (created, listed, changed, revoked and
 * rotated by their managers), and the authentication of a request's key. Secrets are shown once
 * and stored only as a keyed hash.
 */

export {
  createApiKey,
  createApiKeyInput,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
  rotateApiKeyInput,
  updateApiKey,
  updateApiKeyInput,
  type ApiKeyStatus,
  type ApiKeyView,
  type NewApiKey,
} from './keys';
export { authenticateApiKey, requireScope, type ApiKeyPrincipal } from './authenticate';
export { API_KEY_SCOPES, type ApiKeyScope } from './scopes';
export { API_KEY_ENVIRONMENTS, type ApiKeyEnvironment } from './secret';
