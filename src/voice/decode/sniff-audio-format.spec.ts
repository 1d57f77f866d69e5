import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { SNIFF_LENGTH, checkDeclaredMimeType, sniffAudioFormat } from './sniff-audio-format.js';

const FIXTURES = join(process.cwd(), 'test/fixtures/audio');
const head = (relative: string): Buffer =>
  readFileSync(join(FIXTURES, relative)).subarray(0, SNIFF_LENGTH);

const EXPECTED_BY_EXTENSION: Record<string, { container: string; codec: string }> = {
  '.wav': { container: 'wav', codec: 'pcm' },
  '.ogg': { container: 'ogg', codec: 'opus' },
  '.webm': { container: 'webm', codec: 'opus' },
  '.amr': { container: 'amr', codec: 'amr_nb' },
  '.mp3': { container: 'mp3', codec: 'mp3' },
  // Phones write the moov box (and with it the codec) after the audio.
  '.m4a': { container: 'mp4', codec: 'unknown' },
  '.3gp': { container: '3gp', codec: 'unknown' },
};

describe('sniffAudioFormat', () => {
  const speech = readdirSync(join(FIXTURES, 'speech')).sort();

  it.each(speech)('recognises speech/%s by its magic numbers', (file) => {
    expect(sniffAudioFormat(head(`speech/${file}`))).toEqual(EXPECTED_BY_EXTENSION[extname(file)]);
  });

  it('recognises nothing in empty input, random bytes, text or a PNG', () => {
    expect(sniffAudioFormat(new Uint8Array(0))).toBeNull();
    expect(sniffAudioFormat(head('bad/random.bin'))).toBeNull();
    expect(sniffAudioFormat(Buffer.from('{"hello": "world"}'))).toBeNull();
    expect(sniffAudioFormat(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'))).toBeNull();
  });

  it('still calls a WAV with a broken fmt chunk a WAV (ffmpeg decides it is corrupt)', () => {
    expect(sniffAudioFormat(head('bad/wrong-header.wav'))).toEqual({
      container: 'wav',
      codec: 'unknown',
    });
  });

  it('reads the codec of a fast-start MP4 and the 3GP brand', () => {
    const box = (type: string, body: Buffer): Buffer => {
      const size = Buffer.alloc(4);
      size.writeUInt32BE(8 + body.length);
      return Buffer.concat([size, Buffer.from(type, 'latin1'), body]);
    };
    const ftyp = (brand: string): Buffer =>
      box('ftyp', Buffer.from(`${brand}\0\0\0\0isom`, 'latin1'));
    const moov = (entry: string): Buffer =>
      box('moov', box('stsd', Buffer.from(`\0\0\0\0${entry}`)));
    expect(sniffAudioFormat(Buffer.concat([ftyp('M4A '), moov('mp4a')]))).toEqual({
      container: 'mp4',
      codec: 'aac',
    });
    expect(sniffAudioFormat(Buffer.concat([ftyp('3gp4'), moov('samr')]))).toEqual({
      container: '3gp',
      codec: 'amr_nb',
    });
  });

  it('recognises AMR-WB, ID3-tagged MP3 and raw AAC (ADTS)', () => {
    expect(sniffAudioFormat(Buffer.from('#!AMR-WB\n\x00', 'latin1'))).toEqual({
      container: 'amr',
      codec: 'amr_wb',
    });
    const id3 = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 2, 0, 0]);
    expect(sniffAudioFormat(id3)?.container).toBe('mp3');
    const adts = Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]);
    expect(sniffAudioFormat(adts)).toEqual({ container: 'aac', codec: 'aac' });
  });

  it('does not take a lone MPEG sync word in random data for an MP3', () => {
    const bytes = Buffer.alloc(2000, 0x55);
    bytes.set([0xff, 0xfb, 0x90, 0x64], 0); // a valid header, but no second frame follows
    expect(sniffAudioFormat(bytes)).toBeNull();
  });
});

describe('checkDeclaredMimeType', () => {
  it('accepts the types phones and browsers send, ignoring case and parameters', () => {
    expect(checkDeclaredMimeType('audio/mp4', head('speech/en-us-low.m4a')).ok).toBe(true);
    expect(checkDeclaredMimeType('audio/x-m4a', head('speech/en-us-low.m4a')).ok).toBe(true);
    expect(checkDeclaredMimeType('Audio/WebM; codecs=opus', head('speech/en-us-low.webm')).ok).toBe(
      true,
    );
    expect(checkDeclaredMimeType('audio/ogg', head('speech/en-us-low.ogg')).ok).toBe(true);
    expect(checkDeclaredMimeType('audio/amr', head('speech/en-us-low.amr')).ok).toBe(true);
    expect(checkDeclaredMimeType('audio/3gpp', head('speech/en-us-low.3gp')).ok).toBe(true);
    expect(checkDeclaredMimeType('audio/mpeg', head('speech/en-us-low.mp3')).ok).toBe(true);
    expect(checkDeclaredMimeType('audio/wav', head('speech/en-us-low.wav')).ok).toBe(true);
  });

  it('lets a generic type through when the content is recognised audio', () => {
    expect(checkDeclaredMimeType('application/octet-stream', head('speech/en-us-low.ogg'))).toEqual(
      {
        ok: true,
        format: { container: 'ogg', codec: 'opus' },
      },
    );
    expect(checkDeclaredMimeType(undefined, head('speech/en-us-low.wav')).ok).toBe(true);
  });

  it('rejects a type that lies about the content, and content that is not audio', () => {
    expect(checkDeclaredMimeType('audio/mpeg', head('speech/en-us-low.ogg'))).toEqual({
      ok: false,
      reason: 'mime_mismatch',
      format: { container: 'ogg', codec: 'opus' },
    });
    expect(checkDeclaredMimeType('audio/webm', head('speech/en-us-low.m4a')).ok).toBe(false);
    expect(checkDeclaredMimeType('audio/wav', head('bad/random.bin'))).toEqual({
      ok: false,
      reason: 'unrecognized_audio',
      format: null,
    });
  });
});
