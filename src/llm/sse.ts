/** One server-sent event: its `event` field (null when none) and its data lines joined by \n. */
export interface ServerSentEvent {
  event: string | null;
  data: string;
}

/**
 * The events of a `text/event-stream` body, as the byte chunks of a response arrive (the HTML
 * standard's parsing: lines end in \n, \r\n or \r, whichever chunk boundary they straddle; a
 * blank line dispatches the event; `data` lines are joined by \n; a leading space after the
 * colon is dropped; comment lines (`:`) and unknown fields are ignored; an event whose stream
 * ends without the blank line is still dispatched). UTF-8 split across chunks is decoded whole.
 */
export async function* serverSentEvents(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | null = null;
  let data: string[] = [];
  // A \r that ended a chunk: the \n that may follow it in the next chunk is the same line end.
  let skipNewline = false;

  const line = (text: string): ServerSentEvent | null => {
    if (text === '') {
      const out = data.length ? { event, data: data.join('\n') } : null;
      event = null;
      data = [];
      return out;
    }
    if (text.charCodeAt(0) === 58 /* : */) return null;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* space */) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    return null;
  };

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    if (skipNewline && buffer.charCodeAt(0) === 10) start = 1;
    skipNewline = false;
    for (let i = start; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const dispatched = line(buffer.slice(start, i));
      if (c === 13) {
        if (i + 1 === buffer.length) skipNewline = true;
        else if (buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
      if (dispatched) yield dispatched;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer !== '') line(buffer);
  const last = line('');
  if (last) yield last;
}
