import type { Metadata } from 'next';
import { UserRound } from 'lucide-react';
import { isSupabaseAuth } from '@/lib/env';
import { listDemoUsers } from '@/lib/auth';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign in' };

interface LoginPageProps {
  searchParams: Promise<{ next?: string; signedOut?: string }>;
}

export default async function LoginPage({ searchParams }: LoginPageProps) {
  const { next, signedOut } = await searchParams;
  const notice =
    signedOut === '1' ? (
      <Alert variant="success" className="mb-4">
        <AlertDescription>You have signed out.</AlertDescription>
      </Alert>
    ) : null;

  if (isSupabaseAuth()) {
    return (
      <>
        {notice}
        <Card>
          <CardHeader>
            <CardTitle as="h1" className="text-xl">
              Sign in to Tollgate
            </CardTitle>
            <CardDescription>Use the email and password for your account.</CardDescription>
          </CardHeader>
          <CardContent>
            <LoginForm next={next} />
          </CardContent>
        </Card>
      </>
    );
  }

  const users = await listDemoUsers();
  return (
    <>
      {notice}
      <Alert variant="warning" className="mb-4">
        <AlertTitle>Local mode: demo sign-in.</AlertTitle>
        <AlertDescription>Configure Supabase to use real accounts.</AlertDescription>
      </Alert>
      <Card>
        <CardHeader>
          <CardTitle as="h1" className="text-xl">
            Sign in to Tollgate
          </CardTitle>
          <CardDescription>Choose a seeded demo user to continue as.</CardDescription>
        </CardHeader>
        <CardContent>
          {users.length === 0 ? (
            <EmptyState
              icon={UserRound}
              headingLevel="h2"
              title="No demo users yet"
              description="Seed the local database with npm run db:seed, then reload this page."
            />
          ) : (
            <ul className="flex flex-col gap-3">
              {users.map((user) => (
                <li key={user.id}>
                  <form
                    method="post"
                    action="/api/auth/local/sign-in"
                    className="flex flex-col gap-3 rounded-lg border p-4 sm:flex-row sm:items-center sm:justify-between"
                  >
                    <input type="hidden" name="userId" value={user.id} />
                    {next ? <input type="hidden" name="next" value={next} /> : null}
                    <div className="min-w-0">
                      <div className="flex flex-wrap items-center gap-2">
                        <p className="font-medium">{user.fullName}</p>
                        <Badge variant="outline">{user.demoRole}</Badge>
                      </div>
                      <p className="text-muted-foreground truncate text-sm">{user.email}</p>
                    </div>
                    <Button type="submit" size="sm" className="shrink-0">
                      Sign in as {user.fullName}
                    </Button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
    </>
  );
}
