import 'server-only';
import { asService, type DbSession } from '@/lib/db';
import { BYOK_PROVIDERS, listProviderKeys } from './byok';
import { listModels } from './catalog';
import { EMPTY_WINDOW, recentProviderHealth, type HealthWindow } from './health';
import { moderationSwitchOn } from './moderation';
import { PROVIDERS, isProviderConfigured, type Provider } from './providers';

/**
 * What GET /api/ai/providers shows: for each provider whether it can be used (platform key, the
 * caller's own key, or the keyless local provider), its models, whether calls through it are
 * moderated, and its health over the last hour and 24 hours (all calls on the platform).
 */

interface ProviderStatus {
  id: Provider;
  /** Usable by the caller now: a platform key, the caller's own key, or the local provider. */
  configured: boolean;
  platformKey: boolean;
  byok: { supported: boolean; keyStored: boolean };
  local: boolean;
  moderation: { active: boolean; reason: string };
  models: { id: string; displayName: string; capabilities: string[] }[];
  health: { lastHour: HealthWindow; last24h: HealthWindow };
}

function moderationOf(
  provider: Provider,
  switchOn: boolean,
  openAiKey: boolean,
): ProviderStatus['moderation'] {
  if (provider === 'local') {
    return {
      active: false,
      reason: 'The local demo provider has no moderation; its calls are not moderated.',
    };
  }
  if (!switchOn) return { active: false, reason: 'Moderation is turned off on this platform.' };
  if (!openAiKey) {
    return {
      active: false,
      reason: 'Moderation needs an OpenAI key (the platform key or your own); none is set.',
    };
  }
  return {
    active: true,
    reason: 'Input is moderated before anything is held; non-streamed answers after the call.',
  };
}

export async function listProviderStatus(
  session: DbSession,
  orgId?: string | null,
): Promise<ProviderStatus[]> {
  const [models, keys, switchOn, health] = await Promise.all([
    listModels(session),
    listProviderKeys(session, orgId),
    moderationSwitchOn(session),
    asService((tx) => recentProviderHealth(tx)),
  ]);
  const stored = new Set<string>(keys.map((key) => key.provider));
  const openAiKey = isProviderConfigured('openai') || stored.has('openai');
  return PROVIDERS.map((id) => {
    const supported = (BYOK_PROVIDERS as readonly string[]).includes(id);
    const platformKey = id !== 'local' && isProviderConfigured(id);
    const keyStored = stored.has(id);
    return {
      id,
      configured: id === 'local' || platformKey || keyStored,
      platformKey,
      byok: { supported, keyStored },
      local: id === 'local',
      moderation: moderationOf(id, switchOn, openAiKey),
      models: models
        .filter((model) => model.provider === id)
        .map((model) => ({
          id: model.id,
          displayName: model.displayName,
          capabilities: model.capabilities,
        })),
      health: health.get(id) ?? { lastHour: EMPTY_WINDOW, last24h: EMPTY_WINDOW },
    };
  });
}
