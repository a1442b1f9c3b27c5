/**
 * Which partition a key lands on. Uses kafkajs's DefaultPartitioner (murmur2, the Java client's
 * algorithm) so the in-process bus places keys exactly where Kafka would.
 */
import kafkajs from "kafkajs";

const partitionerByCount = new Map<number, ReturnType<kafkajs.ICustomPartitioner>>();
const metadataByCount = new Map<number, kafkajs.PartitionMetadata[]>();

export function partitionFor(topic: string, key: string, partitionCount: number): number {
  let partitioner = partitionerByCount.get(partitionCount);
  let metadata = metadataByCount.get(partitionCount);
  if (!partitioner || !metadata) {
    partitioner = kafkajs.Partitioners.DefaultPartitioner();
    metadata = Array.from({ length: partitionCount }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
    }));
    partitionerByCount.set(partitionCount, partitioner);
    metadataByCount.set(partitionCount, metadata);
  }
  return partitioner({ topic, partitionMetadata: metadata, message: { key, value: null } });
}
