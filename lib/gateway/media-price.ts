import 'server-only';
import { withUser, type DbSession } from '@/lib/db';

/** The per-image and per-audio-second prices (micro-USD) of a price version in force. */
export async function loadMediaPrice(
  session: DbSession,
  priceId: bigint,
): Promise<{ perImage: bigint; perAudioSecond: bigint }> {
  const [row] = await withUser(
    session,
    (tx) => tx<{ per_image: bigint; per_audio_second: bigint }[]>`
      select p.per_image, p.per_audio_second from public.ai_model_prices p where p.id = ${priceId.toString()}::bigint`,
  );
  return { perImage: row?.per_image ?? 0n, perAudioSecond: row?.per_audio_second ?? 0n };
}
