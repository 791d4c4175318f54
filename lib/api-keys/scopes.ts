/** What an API key may do; browser-safe, so the settings form lists the same scopes the API checks. */
export const API_KEY_SCOPES = ['ai:chat', 'ai:embeddings', 'credits:read', 'usage:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const API_KEY_SCOPE_LABELS: Record<ApiKeyScope, string> = {
  'ai:chat': 'Chat completions',
  'ai:embeddings': 'Embeddings',
  'credits:read': 'Read credits',
  'usage:read': 'Read usage',
};
