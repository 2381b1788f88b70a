import { describe, expect, it } from 'vitest';
import { formatCountdown, readPreview } from '../src/components/Activity';

describe('readPreview', () => {
  it('reads the preview objects the service sends', () => {
    expect(readPreview({ kind: 'diff', path: 'a.txt', diff: '+x', reason: 'write tools ask', sessionScope: 'write_file a.txt' })).toMatchObject({
      kind: 'diff',
      path: 'a.txt',
      diff: '+x',
      reason: 'write tools ask',
      sessionScope: 'write_file a.txt',
    });
    expect(readPreview({ kind: 'command', command: 'ls -l', workingDirectory: '.' })).toMatchObject({ command: 'ls -l', workingDirectory: '.' });
    expect(readPreview({ kind: 'url', url: 'https://example.com' }).url).toBe('https://example.com');
  });

  it('survives what it does not expect', () => {
    expect(readPreview(null)).toEqual({});
    expect(readPreview([1, 2])).toEqual({});
    expect(readPreview({ diff: 42, command: { nested: true } })).toMatchObject({ diff: undefined, command: undefined });
    expect(readPreview('--- a\n+++ b\n@@ -1 +1 @@')).toMatchObject({ kind: 'diff' });
    expect(readPreview('plain words')).toEqual({ text: 'plain words' });
  });
});

describe('formatCountdown', () => {
  it('shows minutes and seconds, then expired', () => {
    expect(formatCountdown(125_000)).toBe('2:05');
    expect(formatCountdown(9_001)).toBe('10s');
    expect(formatCountdown(0)).toBe('expired');
    expect(formatCountdown(-5)).toBe('expired');
  });
});
