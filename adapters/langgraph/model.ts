/** The chat model: a real ChatOpenAI client pointed at the world's OpenAI-compatible endpoint. */
import { ChatOpenAI } from '@langchain/openai';
import { MODEL } from '../../harness/agent/index.js';
import { HEADERS } from '../../harness/world/protocol.js';

export function chatModel(worldUrl: string): ChatOpenAI {
  return new ChatOpenAI({
    model: MODEL,
    apiKey: 'not-needed',
    temperature: 0,
    // the client's own retries are what a LangGraph user gets for transient model errors
    maxRetries: 4,
    timeout: 60_000,
    configuration: { baseURL: `${worldUrl}/v1`, defaultHeaders: { [HEADERS.pid]: String(process.pid) } },
  });
}
