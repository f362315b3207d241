import fs from 'node:fs';
import { SaxesParser, type SaxesTagNS } from 'saxes';

/** An element of the file, built in full: its own text (CDATA included) and its child elements. */
export interface XmlElement {
  local: string;
  uri: string;
  /** By local name (`dsq:id` is `id`). */
  attributes: Record<string, string>;
  text: string;
  children: XmlElement[];
}

/** Where in the file an import stopped, and why: the message names the line and column. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export interface OpenTag {
  local: string;
  uri: string;
}

export interface ReadXmlOptions {
  file: string;
  /** Whether an element opened under `stack` (its ancestors, root first) is one to build and hand out. */
  select(tag: OpenTag, stack: readonly OpenTag[]): boolean;
  /** Checks the root element; returns the problem if the file is not of the expected kind. */
  checkRoot(tag: SaxesTagNS): string | undefined;
  /** Called after each chunk with the bytes read so far. */
  onProgress?(bytes: number): void;
}

/**
 * A copy of a string that holds none of the file's chunks: text read from the file can
 * be a slice of the 64 KB chunk it came in, which a kept slice would keep in memory.
 */
export function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** The first child named `local`, or undefined. */
export function child(element: XmlElement, local: string): XmlElement | undefined {
  return element.children.find((c) => c.local === local);
}

/** The text of the first child named `local` ('' when it is missing). */
export function childText(element: XmlElement, local: string): string {
  return child(element, local)?.text ?? '';
}

/**
 * The selected elements of an XML file, one at a time as each closes, read as a stream
 * (64 KB at a time), so a file of any size is read in the memory of its largest element.
 * Malformed XML stops with an ImportFileError naming its line and column.
 */
export async function* readXmlElements(options: ReadXmlOptions): AsyncGenerator<XmlElement> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: OpenTag[] = [];
  // The elements being built: the selected one and its open descendants.
  const building: XmlElement[] = [];
  let buildingFrom = -1;
  const ready: XmlElement[] = [];
  let problem: ImportFileError | undefined;
  const fail = (message: string) => {
    problem ??= new ImportFileError(
      `line ${parser.line}, column ${parser.column}: ${message}`,
      parser.line,
      parser.column,
    );
  };

  parser.on('error', (err) => fail(err.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')));
  parser.on('opentag', (tag) => {
    if (stack.length === 0) {
      const wrong = options.checkRoot(tag);
      if (wrong) fail(wrong);
    }
    const open = { local: tag.local, uri: tag.uri };
    if (building.length > 0 || options.select(open, stack)) {
      const attributes: Record<string, string> = {};
      for (const attribute of Object.values(tag.attributes)) attributes[attribute.local] = attribute.value;
      // Spelled out: spreading `open` here made reading the file three times slower (V8's object-spread path).
      const element: XmlElement = { local: open.local, uri: open.uri, attributes, text: '', children: [] };
      if (building.length > 0) building[building.length - 1].children.push(element);
      else buildingFrom = stack.length;
      building.push(element);
    }
    stack.push(open);
  });
  const addText = (text: string) => {
    if (building.length > 0) building[building.length - 1].text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    stack.pop();
    if (building.length === 0) return;
    const element = building.pop()!;
    if (stack.length === buildingFrom) ready.push(element);
  });

  const stream = fs.createReadStream(options.file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream) {
      parser.write(chunk as string);
      if (problem) throw problem;
      yield* ready.splice(0);
      options.onProgress?.(stream.bytesRead);
    }
    parser.close();
    if (problem) throw problem;
    yield* ready.splice(0);
  } finally {
    stream.destroy();
  }
}
