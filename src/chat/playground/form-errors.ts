// zod's issues → one sentence that names the option, as a person typed it. Only the first issue is shown:
// fixing one thing at a time reads better in a chat box than a list.
import type { z } from 'zod';

const choices: Record<string, string> = {
  command: 'separate, add-vocals or add-instrumental',
  mode: 'vocals, stems or single',
  vocal_gender: 'm or f',
  model: 'V4_5PLUS, V5 or V5_5',
};

export function optionSentence(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    return `Unknown option${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}.`;
  }
  const name = String(issue.path[0] ?? 'the request');
  if (name in choices) {
    return issue.code === 'invalid_type' && issue.input === undefined
      ? `${name} is required: ${choices[name]}.`
      : `${name} must be ${choices[name]}.`;
  }
  if (name.endsWith('_weight') || name === 'weirdness') return `${name} must be a number from 0 to 1.`;
  if (issue.code === 'too_big') return `${name} is too long: at most ${String(issue.maximum)} characters.`;
  if (issue.code === 'invalid_type') return `${name} must be text.`;
  return `${name} is not valid.`;
}
