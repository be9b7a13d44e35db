/**
 * A real `redis-server` (Debian's package) for the cluster tests, on a free loopback port,
 * with persistence off (no dump.rdb or appendonly file) and its working directory a temporary
 * folder removed on stop. `requirePass` starts it with a password.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

export interface RedisServer {
  readonly port: number
  /** With `tls`: the self-signed certificate (PEM) clients must trust. */
  readonly ca?: string
  /** redis://127.0.0.1:PORT (with the password when started with one). */
  readonly url: string
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and removes its folder. */
  stop(): Promise<void>
}

/** Whether redis-server is installed (the tests are skipped with a notice without it). */
export function haveRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0
}

/** A free TCP port on 127.0.0.1 (the OS picks one; it is free again when this returns). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Starts redis-server. `tls`: TLS only (rediss://), with a self-signed certificate for
 * 127.0.0.1 made here by openssl.
 */
export async function startRedis(
  options: { requirePass?: string; tls?: boolean } = {},
): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hepwb-redis-'))
  const port = await freePort()
  const ca = join(dir, 'cert.pem')
  if (options.tls) {
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      ca,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ])
    if (made.status !== 0) throw new Error(`openssl: ${made.stderr.toString()}`)
  }
  const listen = options.tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        ca,
        '--tls-key-file',
        join(dir, 'key.pem'),
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)]
  const args = [
    ...listen,
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(options.requirePass ? ['--requirepass', options.requirePass] : []),
  ]
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 10_000
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`redis-server did not start on port ${port}: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  const auth = options.requirePass ? `:${encodeURIComponent(options.requirePass)}@` : ''
  return {
    port,
    ...(options.tls ? { ca } : {}),
    url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
