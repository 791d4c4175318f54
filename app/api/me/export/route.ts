import { route } from '@/lib/api';
import { toJson } from '@/lib/core';
import { exportMyData } from '@/lib/profile';

export const runtime = 'nodejs';

/** Everything that is the signed-in user's, as a JSON download. */
export const GET = route({}, async ({ session }) => {
  const data = await exportMyData(session);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(toJson(data), {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="tollgate-my-data-${day}.json"`,
      'cache-control': 'no-store',
    },
  });
});
