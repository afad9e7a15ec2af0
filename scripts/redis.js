// Makes sure a Redis answers: the one at REDIS_URL (default 127.0.0.1:6379), or else a private
// redis-server this script starts on a free port (and stops on exit). Plain Node, no dependencies.
const net = require('node:net');
const { spawn, spawnSync } = require('node:child_process');

function ping(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(/^\+PONG/.test(d.toString())));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** @returns {Promise<{url: string, started: boolean, stop: () => void}>} */
async function ensureRedis(url = process.env.REDIS_URL || 'redis://127.0.0.1:6379/0') {
  if (url.startsWith('redis+cluster://')) return { url, started: false, stop() {} };
  const u = new URL(url);
  if (await ping(u.hostname, Number(u.port || 6379))) return { url, started: false, stop() {} };
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    throw new Error(`No Redis answers at ${url} and redis-server is not on PATH (Debian: apt-get install redis-server).`);
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await ping('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
  const stop = () => child.kill('SIGTERM');
  process.once('exit', stop);
  return { url: `redis://127.0.0.1:${port}/0`, started: true, stop };
}

module.exports = { ensureRedis, ping };
