// Nodemailer side of the benchmarks.
//
//   node node_bench.js send   HOST PORT MSG N RCPTS POOL   pooled transport
//   node node_bench.js attach HOST PORT FILE               attachment by path
//
// Each prints "RESULT value unit".
'use strict';
const fs = require('fs');
const nodemailer = require('nodemailer');

function transport(host, port, pool) {
  return nodemailer.createTransport({
    host, port: Number(port), secure: false, ignoreTLS: true,
    pool: true, maxConnections: pool, maxMessages: Infinity,
  });
}

async function send(host, port, msgPath, n, rcpts, pool) {
  const raw = fs.readFileSync(msgPath, 'latin1');
  const text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  const to = [];
  for (let i = 0; i < rcpts; i++) to.push(`rcpt${i}@sink.test`);
  const t = transport(host, port, pool);
  let next = 0;
  async function worker() {
    while (next < n) {
      next++;
      await t.sendMail({
        from: 'Bench Sender <sender@bench.test>', to, subject: 'Benchmark message', text,
      });
    }
  }
  const workers = [];
  for (let i = 0; i < pool; i++) workers.push(worker());
  await Promise.all(workers);
  t.close();
  return [n, 'msg/s'];
}

async function attach(host, port, file) {
  const size = fs.statSync(file).size;
  const t = nodemailer.createTransport({ host, port: Number(port), secure: false, ignoreTLS: true });
  await t.sendMail({
    from: 'sender@bench.test', to: 'rcpt@sink.test', subject: 'Attachment',
    text: 'See the file.', attachments: [{ filename: 'blob.bin', path: file }],
  });
  t.close();
  return [size / 1e6, 'MB/s'];
}

async function main() {
  const [cmd, ...a] = process.argv.slice(2);
  const t0 = process.hrtime.bigint();
  let r;
  if (cmd === 'send') r = await send(a[0], a[1], a[2], Number(a[3]), Number(a[4]), Number(a[5]));
  else if (cmd === 'attach') r = await attach(a[0], a[1], a[2]);
  else { console.error('usage: node_bench.js send|attach ...'); process.exit(2); }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`RESULT ${(r[0] / secs).toFixed(3)} ${r[1]}`);
}

main().catch((e) => { console.error('node_bench:', e.message); process.exit(1); });
