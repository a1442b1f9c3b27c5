/**
 * When a pipeline under benchmark has drained: every consumer group has committed the end offset
 * of every partition of each topic it reads.
 */
import type { Kafka } from "kafkajs";

export interface GroupTopics {
  groupId: string;
  topics: string[];
}

/**
 * Polls every `pollMs` until each group is at the end of its topics; the time it was. Throws after
 * `timeoutMs`. `onBehind` hears of the first group found behind at each poll (the last one it hears
 * of is the group that caught up last).
 */
export async function caughtUp(
  kafka: Kafka,
  groups: readonly GroupTopics[],
  {
    pollMs,
    timeoutMs = Number.POSITIVE_INFINITY,
    onBehind,
  }: { pollMs: number; timeoutMs?: number; onBehind?: (groupId: string) => void },
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (Date.now() > deadline) throw new Error(`the pipeline did not drain in ${timeoutMs / 1000} s`);
      let behind = false;
      for (const { groupId, topics } of groups) {
        const committed = await admin.fetchOffsets({ groupId, topics });
        for (const topic of topics) {
          const ends = await admin.fetchTopicOffsets(topic);
          const done = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
          for (const { partition, high } of ends) {
            const at = done.find((p) => p.partition === partition)?.offset ?? "-1";
            if (Number(high) > 0 && Number(at) < Number(high)) behind = true;
          }
        }
        if (behind) {
          onBehind?.(groupId);
          break;
        }
      }
      if (!behind) return Date.now();
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Waits until every consumer group of the pipeline has members and is stable (joined). */
export async function groupsJoined(kafka: Kafka, groups: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const described = await admin.describeGroups(groups);
      if (described.groups.every((g) => g.state === "Stable" && g.members.length > 0)) return;
      if (Date.now() > deadline)
        throw new Error(`groups not stable: ${described.groups.map((g) => `${g.groupId}=${g.state}`).join(", ")}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}
