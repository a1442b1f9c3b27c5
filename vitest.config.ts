import { defineConfig } from "vitest/config";

/** Pure tests: no broker, registry, Redis, ClickHouse or browser; they run in parallel, first. */
const PURE = [
  "test/processors/**/*.test.ts",
  "test/schemas/**/*.test.ts",
  "test/ingestors/**/*.test.ts",
  "test/structure/**/*.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "pure", include: PURE, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          name: "services",
          include: ["test/**/*.test.ts"],
          exclude: PURE,
          // Integration tests share one Kafka broker, registry and Redis; files run one at a time.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
