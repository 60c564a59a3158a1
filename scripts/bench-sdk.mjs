// The official SDK's loops, as an application would write them, for scripts/bench-vs-sdk.
//   node bench-sdk.mjs resume-all     resume every failed run: dlq.resume({ all, cursor })
//   node bench-sdk.mjs callback-fail  re-run every failed failure callback, one after another
// QSTASH_URL and QSTASH_TOKEN name the sandbox. Prints the count acted on.
import { Client } from "@upstash/workflow";

const client = new Client({ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN });
const what = process.argv[2];
let count = 0;
if (what === "resume-all") {
  let cursor;
  do {
    const r = await client.dlq.resume({ all: true, cursor });
    count += r.workflowRuns.length;
    cursor = r.cursor;
  } while (cursor);
} else if (what === "callback-fail") {
  const ids = [];
  let cursor;
  do {
    const page = await client.dlq.list({ cursor, filter: { failureFunctionState: "CALLBACK_FAIL" } });
    ids.push(...page.messages.map((m) => m.dlqId));
    cursor = page.cursor;
  } while (cursor);
  for (const dlqId of ids) {
    await client.dlq.retryFailureFunction({ dlqId });
    count += 1;
  }
} else {
  throw new Error(`unknown workload ${what}`);
}
console.log(count);
