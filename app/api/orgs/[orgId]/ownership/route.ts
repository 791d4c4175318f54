import { z } from 'zod';
import { route } from '@/lib/api';
import { transferOwnership, transferOwnershipInput } from '@/lib/orgs';

export const runtime = 'nodejs';

const params = z.object({ orgId: z.uuid() });

/** An owner makes another member owner and stays on as admin. */
export const POST = route(
  { params, body: transferOwnershipInput.strict() },
  async ({ session, params, body }) => {
    await transferOwnership(session, params.orgId, body.userId);
    return { ok: true };
  },
);
