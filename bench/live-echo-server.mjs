// The live bench's bare baseline (issue 15): the least an SSE chat relay can do. GET /stream?id=X
// opens a server-sent event stream; POST /send?to=X pushes the posted text to stream X. No
// database, no auth, no framework: what node:http alone costs on this machine.
import http from 'node:http';

const streams = new Map();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'GET' && url.pathname === '/stream') {
    const id = url.searchParams.get('id');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': open\n\n');
    streams.set(id, res);
    req.on('close', () => streams.get(id) === res && streams.delete(id));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/send') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      // `to=staff` reaches every staff stream (ids s0, s1, …), as an inbox event reaches every staff member.
      const name = url.searchParams.get('to');
      const targets = name === 'staff' ? [...streams].filter(([id]) => id.startsWith('s')).map(([, s]) => s) : [streams.get(name)].filter(Boolean);
      if (!targets.length) {
        res.writeHead(404).end();
        return;
      }
      const event = `event: message\ndata: ${JSON.stringify({ body })}\n\n`;
      for (const to of targets) to.write(event);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`echo ready at http://127.0.0.1:${process.env.PORT}\n`));
process.on('SIGTERM', () => {
  for (const s of streams.values()) s.end();
  server.close(() => process.exit(0));
});
