import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../../src/main/engine/llm/ModelProvider';
import { parseTextToolCall } from '../../../src/main/engine/llm/textToolCalls';

const tools: ToolSpec[] = [
  {
    name: 'chorus.search_knowledge',
    description: 'Search brand knowledge.',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', minLength: 1 }, limit: { type: 'integer', minimum: 1, maximum: 20 } },
      required: ['query'],
      additionalProperties: false,
    },
  },
  { name: 'get_time', description: 'Now.', parameters: { type: 'object', properties: {} } },
];

describe('parseTextToolCall', () => {
  it.each([
    ['a bare JSON object', '{"name": "chorus.search_knowledge", "arguments": {"query": "espresso", "limit": 3}}'],
    ['"parameters" instead of "arguments"', '{"name":"chorus.search_knowledge","parameters":{"query":"espresso","limit":3}}'],
    ['a ```json fence with prose', 'I will search.\n```json\n{"name":"chorus.search_knowledge","arguments":{"query":"espresso","limit":3}}\n```'],
    ['<tool_call> tags', '<tool_call>\n{"name": "chorus.search_knowledge", "arguments": {"query": "espresso", "limit": 3}}\n</tool_call>'],
    ['functions.name({...})', 'functions.chorus.search_knowledge({"query": "espresso", "limit": 3})'],
    ['arguments as a JSON string', '{"name":"chorus.search_knowledge","arguments":"{\\"query\\":\\"espresso\\",\\"limit\\":3}"}'],
    ['an OpenAI-style function object', '[{"type":"function","function":{"name":"chorus.search_knowledge","arguments":{"query":"espresso","limit":3}}}]'],
  ])('accepts %s naming a real tool with valid arguments', (_label, content) => {
    expect(parseTextToolCall(content, tools)).toEqual({
      id: expect.stringMatching(/^call_/),
      name: 'chorus.search_knowledge',
      arguments: { query: 'espresso', limit: 3 },
    });
  });

  it.each([
    ['an unknown tool', '{"name": "delete_everything", "arguments": {}}'],
    ['a missing required argument', '{"name": "chorus.search_knowledge", "arguments": {"limit": 3}}'],
    ['an argument of the wrong type', '{"name": "chorus.search_knowledge", "arguments": {"query": "x", "limit": "3"}}'],
    ['an argument out of range', 'functions.chorus.search_knowledge({"query": "x", "limit": 99})'],
    ['an extra argument the schema forbids', '<tool_call>{"name":"chorus.search_knowledge","arguments":{"query":"x","force":true}}</tool_call>'],
    ['plain prose', 'I would search the knowledge base for espresso.'],
    ['JSON that is not a call', '{"title": "A post", "text": "hello"}'],
  ])('rejects %s', (_label, content) => {
    expect(parseTextToolCall(content, tools)).toBeNull();
  });

  it('accepts a call with no arguments for a tool that takes none', () => {
    expect(parseTextToolCall('{"name":"get_time"}', tools)).toMatchObject({ name: 'get_time', arguments: {} });
  });
});
