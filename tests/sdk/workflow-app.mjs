// A workflow app built on the pinned official SDK (@upstash/workflow), served by a plain Node
// HTTP server, for the sandbox's workflow tests and for rehearsals. Two steps; step two fails
// while the file $WF_FAIL exists, the failure function while $WF_CALLBACK_FAIL exists. Each
// execution is appended to $WF_LOG as "<runId> <what>". Prints APP_URL=... once listening.
// QSTASH_URL and QSTASH_TOKEN name the sandbox.
import http from "node:http";
import fs from "node:fs";
import { serve } from "@upstash/workflow";

const exists = (f) => Boolean(f) && fs.existsSync(f);
const record = (runId, what) => {
  if (process.env.WF_LOG) fs.appendFileSync(process.env.WF_LOG, `${runId} ${what}\n`);
};

const { handler } = serve(
  async (context) => {
    const first = await context.run("step-one", () => {
      record(context.workflowRunId, "step-one");
      return { n: (context.requestPayload?.n ?? 0) + 1 };
    });
    const second = await context.run("step-two", () => {
      record(context.workflowRunId, "step-two");
      if (exists(process.env.WF_FAIL)) throw new Error("step two is broken");
      return { n: first.n * 2 };
    });
    return second;
  },
  {
    failureFunction: async ({ context, failStatus }) => {
      record(context.workflowRunId, `failure ${failStatus}`);
      if (exists(process.env.WF_CALLBACK_FAIL)) throw new Error("the failure function is broken");
    },
  },
);

// Parallel steps, a sleep of $WF_NAP seconds (default 1) and a context.call to /echo (which
// records "echo <body>" and answers {echoed: <body>}), at /extras.
const extras = serve(async (context) => {
  const stamp = (what) => record(context.workflowRunId, `${what} ${Date.now()}`);
  const [a, b] = await Promise.all([
    context.run("par-a", () => (stamp("par-a"), 1)),
    context.run("par-b", () => (stamp("par-b"), 2)),
  ]);
  await context.sleep("nap", Number(process.env.WF_NAP ?? 1));
  const sum = await context.run("after-nap", () => (stamp("after-nap"), a + b));
  const asked = await context.call("ask", {
    url: context.url.replace(/\/extras$/, "/echo"),
    method: "POST",
    body: JSON.stringify({ sum }),
  });
  await context.run("after-call", () => record(context.workflowRunId, `answer ${asked.status} ${JSON.stringify(asked.body)}`));
});

// context.waitForEvent at /waits: waits for "paid-<order>" (the body's order) up to the body's
// timeout, then records "event <timedOut> <data>".
const waits = serve(async (context) => {
  const { order, timeout } = context.requestPayload;
  const { eventData, timeout: timedOut } = await context.waitForEvent("await-payment", `paid-${order}`, { timeout });
  await context.run("after-wait", () => record(context.workflowRunId, `event ${timedOut} ${JSON.stringify(eventData)}`));
});

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: req.headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
  });
  if (req.url.startsWith("/echo")) {
    record("echo", String(body ?? ""));
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ echoed: JSON.parse(String(body ?? "null")) }));
  }
  const route = req.url.startsWith("/extras")
    ? extras.handler
    : req.url.startsWith("/waits")
      ? waits.handler
      : handler;
  const response = await route(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`APP_URL=http://127.0.0.1:${server.address().port}/workflow`);
});
