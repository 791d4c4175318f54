'use client';

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { WALLET_COOKIE } from './credits-config';

/**
 * The wallet the viewer is using outside an org's pages ('' is the personal wallet, else an org
 * id): the header shows it, the "Pay from" pickers start from it, and choosing another one there
 * is remembered in a cookie for the next visit.
 */

interface WalletChoice {
  orgId: string;
  choose: (orgId: string) => void;
}

const WalletChoiceContext = createContext<WalletChoice>({ orgId: '', choose: () => {} });

export function WalletChoiceProvider({
  initialOrgId,
  children,
}: {
  initialOrgId: string;
  children: ReactNode;
}) {
  const [orgId, setOrgId] = useState(initialOrgId);
  const choose = useCallback((next: string) => {
    setOrgId(next);
    document.cookie = `${WALLET_COOKIE}=${next || 'personal'}; path=/; max-age=31536000; samesite=lax`;
  }, []);
  const value = useMemo(() => ({ orgId, choose }), [orgId, choose]);
  return <WalletChoiceContext.Provider value={value}>{children}</WalletChoiceContext.Provider>;
}

export function useWalletChoice(): WalletChoice {
  return useContext(WalletChoiceContext);
}
