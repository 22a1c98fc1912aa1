import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { runSweep } from '../../src/orchestrator/sweep/run-sweep.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { TestRedis } from './redis-server.ts';
import { WorkerProcess } from './worker-process.ts';

it('outage', { timeout: 100_000 }, async () => {
  const redis = await TestRedis.start({ persistent: true });
  const root = mkdtempSync(join(tmpdir(), 'tandem-bullmq-'));
  const worker = new WorkerProcess('outage', redis.url);
  const t0 = Date.now();
  const log = (s: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} ${s}`);
  try {
    await worker.waitFor(/listening on queue/);
    const overrides = ['train.epochs=2', `train.optimizer.lr=4e-3,3e-3`, '++executor.name=bullmq', `++executor.queue=outage`, `++executor.redis_url=${redis.url}`, '++executor.backoff_ms=200'];
    const submitted = runSweep({ configFile: 'conf/quickstart.yaml', overrides, builtins: builtinPlugins, multirunRoot: root, events: { notice: log, started: (j) => log(`started ${j.index}`), finished: (o) => log(`finished ${o.index} ${o.status}`) } });
    await worker.waitFor(/job #0 .*attempt 1/);
    log('stopping redis');
    await redis.stop();
    await worker.waitFor(/lost Redis/);
    log('lost seen');
    await new Promise((resume) => setTimeout(resume, 1500));
    await redis.restart();
    log('restarted');
    const timeout = new Promise((r) => setTimeout(() => r('timeout'), 60000));
    log(String(await Promise.race([submitted.then(() => 'done'), timeout])));
  } finally {
    console.log(worker.log.split('\n').filter((l) => l.startsWith('[worker')).join('\n'));
    await worker.kill('SIGKILL');
    await redis.stop();
  }
});
