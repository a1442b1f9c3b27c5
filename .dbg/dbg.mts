import { createStorage } from "/work/wt/isu/runtime/storage/clickhouse.js";
import { loadConfig } from "/work/wt/isu/runtime/config.js";
const config = loadConfig({ SIMAK_DATA_DIR: "/tmp/simak-issues-chdb-CBH8gv" });
const storage = createStorage(config.clickhouse, config.sql);
for (const q of [
 "SELECT count() FROM simak.issue_posts",
 "SELECT * FROM simak.issue_watermarks",
 "SELECT * FROM simak.issue_progress",
 "SELECT count() FROM simak.issue_windows",
 "SELECT min(minute) FROM simak.issue_posts",
]) { const r = await storage.client.query({ query: q, format: "JSONEachRow" }); console.log(q, JSON.stringify(await r.json()).slice(0, 600)); }
