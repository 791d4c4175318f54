/**
 * A metered chat in a process of its own that dies at a chosen moment (the crash tests spawn it):
 * `CRASH_AT=mid` kills itself with SIGKILL at the first streamed text, `CRASH_AT=last` the moment
 * the last chunk (the one saying what the call cost) arrives. It prints the call id first.
 * Env: CRASH_SESSION (a DbSession as JSON), CRASH_PROMPT, and the app's database and provider
 * variables, inherited from the test.
 */
import { streamChat } from '@/lib/gateway';

const session = JSON.parse(process.env.CRASH_SESSION ?? 'null') as Parameters<typeof streamChat>[0];
const at = process.env.CRASH_AT === 'last' ? '"type":"finish"' : '"type":"text-delta"';

const response = await streamChat(session, {
  model: 'gpt-4o-mini',
  prompt: [{ role: 'user', content: process.env.CRASH_PROMPT ?? 'Hello' }],
  maxOutputTokens: 200,
  timeoutMs: 5_000,
});
process.stdout.write(`call ${response.headers.get('x-call-id')}\n`);
const reader = response.body!.getReader();
const decoder = new TextDecoder();
let text = '';
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  text += decoder.decode(value, { stream: true });
  if (text.includes(at)) process.kill(process.pid, 'SIGKILL');
}
process.stdout.write('ended without dying\n');
