// `ordeal record --model-url`: what reaches the model server, and what is refused before anything starts because it would
// put a secret into the recording's run folder.
import { describe, expect, it } from 'vitest';
import { modelUrl } from '../../../../harness/cli/record-command.js';
import { UsageError } from '../../../../harness/errors.js';
import { chatEndpoint } from '../../../../harness/world/model-forward.js';

function refusal(v: string): string {
  try {
    modelUrl(v);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).code).toBe('ORD-152');
    return (e as Error).message;
  }
  throw new Error(`expected --model-url '${v}' to be refused`);
}

describe('--model-url', () => {
  it('appends /chat/completions to the path and keeps a query such as Azure OpenAI api-version', () => {
    expect(chatEndpoint('https://api.openai.com/v1')).toBe('https://api.openai.com/v1/chat/completions');
    expect(chatEndpoint('http://127.0.0.1:8080/v1/')).toBe('http://127.0.0.1:8080/v1/chat/completions');
    expect(chatEndpoint('https://x.openai.azure.com/openai/deployments/gpt?api-version=2024-10-21')).toBe(
      'https://x.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2024-10-21',
    );
    expect(modelUrl('https://x.openai.azure.com/openai/deployments/gpt?api-version=2024-10-21')).toContain('api-version');
  });

  it('refuses a credential in the query without printing it', () => {
    for (const q of ['key=sk-secret', 'api_key=sk-secret', 'api-key=sk-secret', 'access_token=sk-secret', 'sig=sk-secret', 'x=1&apiKey=sk-secret']) {
      const message = refusal(`https://api.example.com/v1?${q}`);
      expect(message).toMatch(/looks like a credential.*--model-key-env VAR/);
      expect(message).not.toContain('sk-secret');
    }
  });

  it('refuses credentials in the authority and a fragment', () => {
    expect(refusal('https://me:pw@api.example.com/v1')).not.toContain('pw@');
    expect(refusal('https://api.example.com/v1#chat')).toContain('a #fragment is never sent');
  });
});
