import { describe, expect, it } from '@jest/globals';
import { ndjsonPieces } from './export-ndjson.js';

describe('ndjsonPieces', () => {
  it('writes a line without audio as its JSON and a newline', () => {
    const line = { type: 'message', id: 'm1', content: 'say "hi"\nthen go' };
    expect(ndjsonPieces(line)).toEqual([`${JSON.stringify(line)}\n`]);
  });

  it("writes a clip's audio as it is, and the pieces make the line JSON.stringify would", () => {
    const audio = Buffer.from('some audio bytes, not really').toString('base64');
    const line = { type: 'voiceClip', message_id: 'c1', size_bytes: 28, audio_base64: audio };
    const pieces = ndjsonPieces(line);
    expect(pieces).toContain(audio);
    expect(pieces.join('')).toBe(`${JSON.stringify(line)}\n`);
  });

  it('falls back to JSON.stringify for audio that is not plain base64', () => {
    const line = { type: 'voiceClip', audio_base64: 'AQID\nBA==' };
    expect(ndjsonPieces(line)).toEqual([`${JSON.stringify(line)}\n`]);
    expect(JSON.parse(ndjsonPieces(line).join(''))).toEqual(line);
  });
});
