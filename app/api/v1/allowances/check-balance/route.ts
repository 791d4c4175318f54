/** The allowances API's name for /api/v1/tokens/check-balance (which keeps working). */
export { POST } from '../../tokens/check-balance/route';

export const runtime = 'nodejs';
