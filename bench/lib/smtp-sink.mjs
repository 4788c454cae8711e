// A lean loopback SMTP sink for the outreach bench, run in its own process (`fork`) so its CPU is
// not the sender's: it speaks just enough SMTP (EHLO with PIPELINING, MAIL, RCPT, DATA, RSET, NOOP,
// QUIT), never parses MIME, and counts messages, bytes and distinct Message-IDs (the header is found
// by a byte search in each message's head). The parent asks over IPC: `stats` (and `reset`).
import net from 'node:net';

let messages = 0;
let bytes = 0;
let first = 0;
let last = 0;
const ids = new Set();
let duplicates = 0;
/** The first message as received (the bench's nodemailer arm sends the same mail). */
let sample = null;

const MID = Buffer.from('\r\nmessage-id:', 'latin1');

/** The Message-ID in a message's head (before the first blank line), or null. */
function messageIdOf(msg) {
  const headEnd = msg.indexOf('\r\n\r\n');
  const head = (headEnd < 0 ? msg : msg.subarray(0, headEnd)).toString('latin1');
  const at = ('\r\n' + head).toLowerCase().indexOf(MID.toString('latin1'));
  if (at < 0) return null;
  const from = at + MID.length - 2;
  const end = head.indexOf('\r\n', from);
  return head.slice(from, end < 0 ? undefined : end).trim();
}

function received(msg) {
  const now = performance.now();
  if (!messages) first = now;
  last = now;
  messages++;
  sample ??= Buffer.from(msg).toString('latin1');
  bytes += msg.length;
  const id = messageIdOf(msg);
  if (id) {
    if (ids.has(id)) duplicates++;
    else ids.add(id);
  }
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let inData = false;
  socket.write('220 sink ESMTP\r\n');
  socket.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    const replies = [];
    for (;;) {
      if (inData) {
        const end = buf.indexOf('\r\n.\r\n');
        if (end < 0) break;
        received(buf.subarray(0, end));
        buf = buf.subarray(end + 5);
        inData = false;
        replies.push('250 2.0.0 queued');
        continue;
      }
      const eol = buf.indexOf('\r\n');
      if (eol < 0) break;
      const line = buf.subarray(0, eol).toString('latin1');
      buf = buf.subarray(eol + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') replies.push('250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 0');
      else if (verb === 'HELO') replies.push('250 sink');
      else if (verb === 'DATA') {
        inData = true;
        replies.push('354 go on');
      } else if (verb === 'QUIT') {
        socket.end('221 bye\r\n');
        return;
      } else replies.push('250 ok');
    }
    if (replies.length) socket.write(replies.join('\r\n') + '\r\n');
  });
  socket.on('error', () => {});
});

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'reset') {
    messages = 0;
    bytes = 0;
    first = 0;
    last = 0;
    duplicates = 0;
    sample = null;
    ids.clear();
    process.send?.({ reset: true });
  } else if (m === 'stats') {
    process.send?.({ stats: { messages, bytes, distinctIds: ids.size, duplicates, firstMs: first, lastMs: last, cpu: process.cpuUsage(), rssKib: process.memoryUsage().rss / 1024 } });
  } else if (m === 'sample') {
    process.send?.({ sample });
  } else if (m === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
