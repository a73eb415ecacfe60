// Long-poll load for tests/bench/long-poll (not a test): holds N idle subscribers on nginx,
// reads nginx's memory with them connected, then times publish -> receive on one more
// subscriber. Node's own modules only.
//   node long-poll-clients.mjs CONFIG.json
// CONFIG: {port, idle: N, idleKind: "textus" (signed chat URLs, tokenSecret) | "stock" (/sub/),
//          idleHeaders: "minimal" (Host and Accept) | "browser" (a browser's, a 1.5 KB Cookie),
//          tokenSecret, nginxPids: [pid...], hot: path, samples,
//          publish: {kind: "webhook", publicBase, authToken, from, to}
//                 | {kind: "nchan", url}}
// Prints one JSON line: {subscribers, rssKb, p50Ms, p99Ms, samples, errors}.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

// N subscribers on channels of their own: as the site hands them out (signed for an hour, as
// common/live/live does), or bare nchan's.
function idlePaths() {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  return Array.from({ length: config.idle }, () => {
    const hash = crypto.randomBytes(32).toString('hex');
    if (config.idleKind === 'stock') return `/sub/${hash}`;
    const signature = crypto.createHash('md5')
      .update(`${expires}chat-${hash} ${config.tokenSecret}`).digest('base64url');
    return `/api/poll/chat/${hash}?e=${expires}&s=${signature}`;
  });
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// What a browser's long-poll (fetch) sends besides Host and Accept: Chrome's headers, and
// cookies the site's domain may carry (1.5 KB).
const browserHeaders = [
  'Connection: keep-alive',
  'sec-ch-ua: "Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"',
  'sec-ch-ua-mobile: ?0',
  'User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/124.0.0.0 Safari/537.36',
  'sec-ch-ua-platform: "Windows"',
  'Sec-Fetch-Site: same-origin',
  'Sec-Fetch-Mode: cors',
  'Sec-Fetch-Dest: empty',
  'Referer: http://localhost/shop/wines/cabernet-2019',
  'Accept-Encoding: gzip, deflate, br, zstd',
  'Accept-Language: en-US,en;q=0.9',
  'Cookie: ' + Array.from({ length: 12 }, (_, i) => `c${i}=${'x'.repeat(118)}`).join('; '),
].map((line) => line + '\r\n').join('');
const extraHeaders = config.idleHeaders === 'browser' ? browserHeaders : '';

// Idle subscribers: one raw connection and one request each, never answered while nothing is
// published to their channels. Opened in batches, as browsers arrive.
const answered = [];
async function openIdle(paths) {
  const sockets = [];
  let errors = 0;
  for (let i = 0; i < paths.length; i += 250) {
    await Promise.all(paths.slice(i, i + 250).map((path) => new Promise((resolve) => {
      const socket = net.connect(config.port, '127.0.0.1', () => {
        socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n${extraHeaders}\r\n`,
          resolve);
      });
      socket.on('error', () => { errors++; resolve(); });
      // An idle subscriber gets no answer while nothing is published: one here is an error.
      socket.once('data', (data) => { answered.push(data.toString().split('\r\n')[0]); });
      sockets.push(socket);
    })));
  }
  return { sockets, errors };
}

function rssKb(pids) {
  let total = 0;
  for (const pid of pids) {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  }
  return total;
}

// One long-poll GET with nchan's resumption headers; its answer.
function poll(path, since, tag, agent) {
  return new Promise((resolve, reject) => {
    const headers = since ? { 'If-Modified-Since': since, 'If-None-Match': tag } : {};
    const req = http.get({ host: '127.0.0.1', port: config.port, path, headers, agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// What Twilio posts for an inbound SMS, signed as its helper libraries sign: HMAC-SHA1 over the
// URL and the fields sorted by name, base64.
function webhookPost(p, body) {
  const fields = {
    AccountSid: 'AC' + '0'.repeat(32), ApiVersion: '2010-04-01', Body: body, From: p.from,
    MessageSid: 'SM' + crypto.randomBytes(16).toString('hex'), NumMedia: '0', NumSegments: '1',
    SmsStatus: 'received', To: p.to,
  };
  const url = p.publicBase + '/api/twilio/webhook';
  const signed = url + Object.keys(fields).sort().map((k) => k + fields[k]).join('');
  const signature = crypto.createHmac('sha1', p.authToken).update(signed).digest('base64');
  return post(url, new URLSearchParams(fields).toString(), {
    'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature,
  });
}

function publish(body) {
  const p = config.publish;
  if (p.kind === 'webhook') return webhookPost(p, body);
  return post(p.url, JSON.stringify({ body }), { 'Content-Type': 'application/json' });
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const idle = await openIdle(idlePaths());
await sleep(2000);  // let nginx settle every request
const rss = rssKb(config.nginxPids);

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let since = null, tag = null;
const times = [];
let errors = idle.errors;  // and, below, every idle subscriber that got an answer
// The first few are not counted: a handler's first requests prepare its statements.
const warmup = 10;
for (let i = 0; i < config.samples + warmup; i++) {
  const body = `bench ${i} ${crypto.randomBytes(4).toString('hex')}`;
  // Subscribe first, then publish: the time is the publish's start to the answer's end.
  let waiting = poll(config.hot, since, tag, agent);
  await sleep(5);
  const start = process.hrtime.bigint();
  const status = await publish(body);
  if (status >= 300) { errors++; continue; }
  for (;;) {
    const answer = await waiting;
    if (answer.status !== 200) { errors++; break; }
    since = answer.headers['last-modified'];
    tag = answer.headers['etag'];
    const event = JSON.parse(answer.body);
    const got = event.body ?? event.message?.body;
    if (got === body) {
      if (i >= warmup) times.push(Number(process.hrtime.bigint() - start) / 1e6);
      break;
    }
    waiting = poll(config.hot, since, tag, agent);  // an older event: not this sample's
  }
}
times.sort((a, b) => a - b);
const closed = idle.sockets.filter((s) => s.destroyed).length;
console.log(JSON.stringify({
  subscribers: config.idle - idle.errors - closed, rssKb: rss,
  p50Ms: Number(percentile(times, 0.5).toFixed(2)), p99Ms: Number(percentile(times, 0.99).toFixed(2)),
  samples: times.length, errors: errors + answered.length, firstAnswer: answered[0] ?? null,
}));
for (const socket of idle.sockets) socket.destroy();
agent.destroy();
