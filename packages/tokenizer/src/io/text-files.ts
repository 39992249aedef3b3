// Streaming text from files (Node), for training on corpora larger than memory.

/**
 * Yields the text of files chunk by chunk (UTF-8; characters split across reads are kept whole).
 * @example
 * await tokenizer.train(readTextFiles('a.txt', 'b.txt'), trainer);
 */
export async function* readTextFiles(...paths: string[]): AsyncGenerator<string> {
  const { createReadStream } = await import('node:fs');
  for (const path of paths) {
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    for await (const chunk of stream) yield chunk as string;
  }
}
