// A fake SMTP relay for the email alert tests: speaks enough SMTP for libcurl (EHLO, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT), records each message it takes as one JSON line
// {from, to, data} in RECORD, and refuses MAIL FROM with a 451 while RECORD.refuse exists.
//   node tests/fakes/smtp-sink.mjs RECORD   (prints "port N" once it listens)
import net from 'node:net';
import fs from 'node:fs';

const record = process.argv[2];
fs.writeFileSync(record, '');

const server = net.createServer((socket) => {
  let buffer = '', mail = null, inData = false, data = [];
  const say = (line) => socket.write(line + '\r\n');
  say('220 smtp-sink ready');
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let end;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (inData) {
        if (line === '.') {
          inData = false;
          // Dot-stuffing undone, as a relay does.
          fs.appendFileSync(record, JSON.stringify({ ...mail, data: data.map((l) => (l.startsWith('..') ? l.slice(1) : l)).join('\r\n') }) + '\n');
          mail = null;
          data = [];
          say('250 queued');
        } else {
          data.push(line);
        }
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') say('250 smtp-sink');
      else if (verb === 'MAIL') {
        if (fs.existsSync(record + '.refuse')) { say('451 try again later'); continue; }
        mail = { from: line.replace(/^MAIL FROM:\s*/i, ''), to: [] };
        say('250 ok');
      } else if (verb === 'RCPT') {
        if (!mail) { say('503 MAIL first'); continue; }
        mail.to.push(line.replace(/^RCPT TO:\s*/i, ''));
        say('250 ok');
      } else if (verb === 'DATA') {
        if (!mail || !mail.to.length) { say('503 RCPT first'); continue; }
        inData = true;
        say('354 end with <CRLF>.<CRLF>');
      } else if (verb === 'RSET') { mail = null; say('250 ok'); }
      else if (verb === 'NOOP') say('250 ok');
      else if (verb === 'QUIT') { say('221 bye'); socket.end(); }
      else say('502 not implemented');
    }
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
