import { createInterface } from 'node:readline';

/** Questions asked on the terminal; only there when a person can answer them. */
export interface Terminal {
  ask(question: string): Promise<string>;
  /** Reads a line without echoing it (a password). */
  askSecret(question: string): Promise<string>;
}

type Input = NodeJS.ReadStream;
type Output = NodeJS.WriteStream;

/** A terminal on the given streams, or undefined when either is not a TTY. */
export function processTerminal(input: Input, output: Output): Terminal | undefined {
  if (!input.isTTY || !output.isTTY) return undefined;
  return {
    ask: (question) =>
      new Promise((resolve) => {
        const rl = createInterface({ input, output, terminal: true });
        rl.question(question, (answer) => {
          rl.close();
          resolve(answer);
        });
      }),
    askSecret: (question) =>
      new Promise((resolve, reject) => {
        // Raw mode before the question shows: whatever is typed (or pasted) from then on is never
        // echoed. Only the line end is written back.
        input.setRawMode(true);
        output.write(question);
        input.resume();
        input.setEncoding('utf8');
        let secret = '';
        const done = (error?: Error) => {
          input.setRawMode(false);
          input.pause();
          input.removeListener('data', onData);
          output.write('\n');
          if (error) reject(error);
          else resolve(secret);
        };
        const onData = (chunk: string) => {
          for (const char of chunk) {
            if (char === '\r' || char === '\n') return done();
            if (char === '\u0003') return done(new Error('interrupted'));
            if (char === '\u007f' || char === '\b') secret = secret.slice(0, -1);
            else if (char >= ' ') secret += char;
          }
        };
        input.on('data', onData);
      }),
  };
}
