/**
 * Which partition a key lands on: the Java client's default (murmur2 of the key's UTF-8 bytes,
 * made positive, modulo the partition count), which kafkajs's DefaultPartitioner follows too, so
 * the in-process bus places keys exactly where Kafka would, and every producer agrees.
 *
 * murmur2 here is in 32-bit integer arithmetic (Math.imul), as in Java: kafkajs's own computes on
 * 64-bit Long objects, about 20 times slower, and every record a stage produces is hashed.
 */
import kafkajs from "kafkajs";

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's Utils.murmur2 of `key`'s UTF-8 bytes, as a signed 32-bit integer. */
export function murmur2(key: string | Buffer): number {
  const data = typeof key === "string" ? Buffer.from(key) : key;
  const { length } = data;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16);
    k |= (data[i + 3] as number) << 24;
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= (data[whole + 2] as number) << 16;
  if (rest >= 2) h ^= (data[whole + 1] as number) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[whole] as number), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  return h ^ (h >>> 15);
}

export function partitionFor(key: string | Buffer, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

/**
 * kafkajs's DefaultPartitioner with this murmur2: a keyed record without a partition of its own
 * goes where partitionFor says; the rest (a given partition, no key) as kafkajs decides.
 */
export const keyPartitioner: kafkajs.ICustomPartitioner = () => {
  const fallback = kafkajs.Partitioners.DefaultPartitioner();
  return (args) => {
    const { message, partitionMetadata } = args;
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    if (message.key !== undefined && message.key !== null) return partitionFor(message.key, partitionMetadata.length);
    return fallback(args);
  };
};
