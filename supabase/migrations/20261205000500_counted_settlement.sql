-- A call whose provider reported no usage (the client stopped, the connection dropped) is now
-- charged by the gateway's own count and stored with the status 'counted'.
alter table public.conversation_messages drop constraint conversation_messages_status_check;
alter table public.conversation_messages add constraint conversation_messages_status_check
  check (status is null or status in ('charged', 'voided', 'counted', 'held', 'cached', 'byok'));
