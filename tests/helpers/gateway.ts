import { afterAll, beforeAll } from 'vitest';
import { db } from './fixtures';
import { startMockOpenAI, type MockOpenAI } from './mock-openai';

/**
 * Starts the local OpenAI-compatible server for this test file as the platform's OpenAI provider
 * (OPENAI_API_KEY and OPENAI_BASE_URL) with the plans' hourly request and monthly token limits
 * lifted, and stops it after the file. Call it at the top level of the file.
 */
export function serveMockOpenAI(): Omit<MockOpenAI, 'close'> {
  let server: MockOpenAI | undefined;
  const current = () => {
    if (!server) throw new Error('The mock OpenAI server starts in beforeAll.');
    return server;
  };
  beforeAll(async () => {
    server = await startMockOpenAI();
    process.env.OPENAI_API_KEY = 'sk-test-mock';
    process.env.OPENAI_BASE_URL = server.url;
    await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  });
  afterAll(async () => {
    await server?.close();
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
  });
  return {
    get url() {
      return current().url;
    },
    requests: () => current().requests(),
    lastAuthorization: () => current().lastAuthorization(),
  };
}
