import 'server-only';
import { toJson } from '@/lib/core';

/** A JSON answer with a status other than 200 (201 created, 202 accepted). */
export function jsonWithStatus(value: unknown, status: number): Response {
  return new Response(toJson(value), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
