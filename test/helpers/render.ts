import type { Answer } from '../../src/endpoints/answer';
import { answerAutodiscoverPost } from '../../src/endpoints/autodiscover-pox';
import { RENDER_FORMATS } from '../../src/endpoints/index';
import { exampleSnapshot, FIXED_NOW, poxBody } from './example';

/** The `render --format` choices, from the endpoint list, plus a raw POX body for hostile input. */
export type RenderFormat = string;

/** The answer the server gives for an address, with the clock fixed so error stamps are stable. */
export async function render(address: string, format: RenderFormat): Promise<Answer> {
  const snapshot = await exampleSnapshot();
  switch (format) {
    // The test suite's own POX request, independent of the CLI's request builder.
    case 'autodiscover':
      return answerAutodiscoverPost(snapshot, { body: poxBody(address), now: FIXED_NOW });
    case 'autodiscover-raw':
      return answerAutodiscoverPost(snapshot, { body: address, now: FIXED_NOW });
  }
  const choice = RENDER_FORMATS.find((candidate) => candidate.format === format);
  if (!choice) throw new Error(`no endpoint renders ${format}`);
  return choice.render(snapshot, address, FIXED_NOW);
}
