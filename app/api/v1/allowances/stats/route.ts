/** The allowances API's name for /api/v1/tokens/stats (which keeps working). */
export { GET } from '../../tokens/stats/route';

export const runtime = 'nodejs';
