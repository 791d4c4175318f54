-- Alert texts show credits the way the app does: thousands separators and two decimals
-- ("2,500.00", "37.50"), and small amounts with enough decimals not to read as zero.

create or replace function private.format_credits(amount bigint) returns text
language sql immutable parallel safe set search_path = ''
as $$
  select case
    when amount <> 0 and abs(amount) < 10000 then to_char(amount / 1000000.0, 'FM0.000000')
    when amount <> 0 and abs(amount) < 100000 then to_char(amount / 1000000.0, 'FM0.0000')
    else to_char(round(amount / 1000000.0, 2), 'FM999,999,999,999,990.00')
  end
$$;
comment on function private.format_credits(bigint) is
  'Micro-credits as credits for people, as lib/credits formatCredits shows them.';
