import { route } from '@/lib/api';
import { listModels } from '@/lib/gateway';

export const runtime = 'nodejs';

/** The model catalog with prices in force (micro-USD per 1M, micro-credits per 1K tokens). */
export const GET = route({}, async ({ session }) => ({ models: await listModels(session) }));
