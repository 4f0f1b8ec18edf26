// Baseline 2: the receiver Kie's docs show (Kie's callback page; test/fixtures/kie/separation-basic.json): express.json() and
// console.log lines, here written to /dev/null so a terminal does not set the pace. Its download branch
// (for `vocal_removal_info`) never runs: the benchmark sends the current `vocal_separation_info` shape.
import { Console } from 'node:console';
import { createWriteStream } from 'node:fs';
import express from 'express';

const console = new Console(createWriteStream('/dev/null'));
const app = express();
app.use(express.json());

app.post('/callbacks/kie/:token', (req, res) => {
  const { code, msg, data } = req.body as { code: number; msg: string; data: { task_id: string; vocal_removal_info?: unknown } };
  console.log('Received vocal separation callback:', { taskId: data.task_id, status: code, message: msg });
  if (code === 200) {
    console.log('Vocal separation completed');
    if (data.vocal_removal_info) console.log('Separation results:', data.vocal_removal_info);
  } else {
    console.log('Vocal separation failed:', msg);
  }
  res.status(200).json({ status: 'received' });
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
