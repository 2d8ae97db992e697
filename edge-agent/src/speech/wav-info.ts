/** What a PCM WAV file says about itself: enough to check a rendering and tell the screen how long it is. */
export interface WavInfo {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
  durationMs: number;
}

export class WavFormatError extends Error {
  constructor(readonly reason: 'not-riff' | 'no-fmt' | 'no-data' | 'not-pcm') {
    super(`not a PCM WAV file (${reason})`);
    this.name = 'WavFormatError';
  }
}

/** Reads the RIFF chunks of a PCM WAV buffer (`fmt ` then `data`, other chunks skipped). */
export function wavInfo(wav: Buffer): WavInfo {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new WavFormatError('not-riff');
  let offset = 12;
  let format: { channels: number; sampleRate: number; byteRate: number; bitsPerSample: number } | null = null;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > wav.length) throw new WavFormatError('no-fmt');
      if (wav.readUInt16LE(body) !== 1) throw new WavFormatError('not-pcm');
      format = {
        channels: wav.readUInt16LE(body + 2),
        sampleRate: wav.readUInt32LE(body + 4),
        byteRate: wav.readUInt32LE(body + 8),
        bitsPerSample: wav.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (format === null) throw new WavFormatError('no-fmt');
      // A streamed header may claim more than was written: count what is there.
      const dataBytes = Math.min(size, wav.length - body);
      const durationMs = format.byteRate > 0 ? Math.round((dataBytes * 1000) / format.byteRate) : 0;
      return { channels: format.channels, sampleRate: format.sampleRate, bitsPerSample: format.bitsPerSample, dataBytes, durationMs };
    }
    offset = body + size + (size % 2);
  }
  throw new WavFormatError(format === null ? 'no-fmt' : 'no-data');
}
