/** The seeded PRNG (mulberry32) so fuzz tests are reproducible: same seed, same inputs. */
export { mulberry32 } from '@kiosk/protocols';

export function randomBytes(random: () => number, maxLength: number): Buffer {
  const length = Math.floor(random() * (maxLength + 1));
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = Math.floor(random() * 256);
  return bytes;
}
