import { describe, expect, it } from 'vitest';
import { assertStorableText } from '@/lib/core';

describe('assertStorableText', () => {
  it('accepts any valid Unicode, emoji (surrogate pairs) and CJK included', () => {
    expect(() =>
      assertStorableText({ title: 'Plan 😀 漢字 é', items: ['ok', { deep: '🚀' }] }, 'body'),
    ).not.toThrow();
  });

  it.each([
    ['a NUL in a nested string', { a: { b: ['x', 'y\u0000'] } }, 'body.a.b.1', 'NUL'],
    ['a lone high surrogate', { title: 'x\ud83d' }, 'body.title', 'unpaired surrogate'],
    ['a lone low surrogate', { title: '\ude00x' }, 'body.title', 'unpaired surrogate'],
    ['reversed surrogates', { title: '\ude00\ud83d' }, 'body.title', 'unpaired surrogate'],
    ['a NUL in a field name', { ['na\u0000me']: 'x' }, 'body (a field name)', 'NUL'],
  ])('refuses %s with a 422 naming the field', (_label, value, path, reason) => {
    let thrown: unknown;
    try {
      assertStorableText(value, 'body');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ status: 422, code: 'validation_failed' });
    expect((thrown as Error).message).toContain(path);
    expect((thrown as Error).message).toContain(reason);
  });
});
