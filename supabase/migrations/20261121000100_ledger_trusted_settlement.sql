-- Settling and voiding a hold are the server's word on what a reserved call really cost, so only
-- trusted code (service_role) may do them. A signed-in user could otherwise call
-- credit_settle(hold, 0) or credit_void(hold) through the Data API on their own AI hold, after
-- the model answered and before the gateway settled, and never pay for the call. Users still
-- reserve as themselves (the reservation checks their right to spend from the wallet); a hold
-- nobody settles expires on its own.

revoke execute on function public.credit_settle(bigint, bigint), public.credit_void(bigint)
from authenticated;

comment on function public.credit_settle(bigint, bigint) is
  'Service only: posts a hold by the actual amount (the rest returns at once); retries replay.';
comment on function public.credit_void(bigint) is 'Service only: releases a pending hold in full.';
