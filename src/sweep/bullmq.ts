/**
 * The BullMQ backend: a sweep's runs become jobs on a Redis queue (queue = sweep id, job id = run id,
 * a few attempts with backoff); `steered worker` processes on any machine that sees the sweep directory
 * take jobs and run each in a child process (the same start as the local backend: resume from the
 * checkpoint when there is one). A worker killed mid-job stops renewing the job's lock, Redis hands the
 * job to another worker after `lockMs`, and that worker continues the run from its checkpoint; a run
 * already completed is never computed again, so a job executed twice adds nothing.
 *
 * Redis that is absent or unreachable is one SweepError line (exit 2), checked before anything is queued;
 * the client never retries in a loop or logs on its own.
 */
import type { Job, Queue, Worker } from 'bullmq';
import { execRun, runDirOf, runState } from './local.js';
import { type PlannedRun, SweepError, type SweepPlan } from './spec.js';

export interface JobData {
  sweepDir: string;
  experiment: string;
  run: PlannedRun;
}

/** How long a job's lock lives without renewal: a dead worker's job goes back to the queue after this. */
export const LOCK_MS = 15_000;
const ATTEMPTS = 3;

interface RedisTarget {
  host: string;
  port: number;
  db: number;
  password?: string;
  username?: string;
}

/** `redis://[user:pass@]host[:port][/db]` → connection options; SweepError for anything else. */
export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SweepError(`--redis expects redis://host[:port][/db], got '${url}'`);
  }
  if (u.protocol !== 'redis:') throw new SweepError(`--redis expects redis://host[:port][/db], got '${url}'`);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new SweepError(`--redis: bad database number in '${url}'`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
  };
}

/** Connection options for BullMQ: no endless reconnect loop, no offline queue. */
function connection(t: RedisTarget) {
  return {
    ...t,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    // A lost connection is retried a few times (a restarting Redis), then given up.
    retryStrategy: (n: number) => (n > 5 ? null : Math.min(200 * 2 ** n, 3000)),
  };
}

/** Connect once, or throw one SweepError line naming the address and the reason. */
export async function checkRedis(url: string): Promise<RedisTarget> {
  const t = parseRedisUrl(url);
  const { Redis } = await import('ioredis');
  const client = new Redis({
    ...t,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectTimeout: 3000,
  });
  let first: Error | null = null;
  client.on('error', (e: Error) => {
    first ??= e; // reported below, once
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const why = ((first as Error | null) ?? (e as Error)).message.split('\n')[0];
    throw new SweepError(`cannot reach Redis at ${url}: ${why}`);
  } finally {
    client.disconnect();
  }
  return t;
}

/**
 * Enqueue every planned run that is not completed (a failed job of an earlier attempt is removed first,
 * so it can run again), then wait until each run is completed or its job has failed for good.
 */
export async function runBullmq(
  plan: SweepPlan,
  o: {
    sweepDir: string;
    redis: string;
    queue: string;
    onUpdate?: (s: { done: number; total: number; running: number; failed: number }) => void;
  },
): Promise<{ failed: { run: PlannedRun; error: string }[]; skipped: number }> {
  const target = await checkRedis(o.redis);
  const { Queue } = await import('bullmq');
  const queue: Queue = new Queue(o.queue, { connection: connection(target) });
  let redisError: Error | null = null;
  queue.on('error', (e) => {
    redisError ??= e;
  });
  try {
    let skipped = 0;
    const pending: PlannedRun[] = [];
    for (const run of plan.runs) {
      if (runState(runDirOf(o.sweepDir, run)) === 'completed') skipped++;
      else pending.push(run);
    }
    for (const run of pending) {
      const old = await queue.getJob(run.id);
      if (old && ((await old.isFailed()) || (await old.isCompleted()))) await old.remove();
      const data: JobData = { sweepDir: o.sweepDir, experiment: plan.experiment, run };
      await queue.add('run', data, {
        jobId: run.id,
        attempts: ATTEMPTS,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: false,
        removeOnFail: false,
      });
    }
    const failed = new Map<string, { run: PlannedRun; error: string }>();
    for (;;) {
      if (redisError) throw new SweepError(`lost Redis at ${o.redis}: ${(redisError as Error).message}`);
      let done = skipped;
      let running = 0;
      for (const run of pending) {
        if (runState(runDirOf(o.sweepDir, run)) === 'completed') {
          done++;
          continue;
        }
        const job = await queue.getJob(run.id);
        const state = job ? await job.getState() : 'unknown';
        if (state === 'failed') {
          failed.set(run.id, { run, error: job?.failedReason ?? 'failed' });
          done++;
        } else if (state === 'active') running++;
      }
      o.onUpdate?.({ done, total: plan.runs.length, running, failed: failed.size });
      if (done >= plan.runs.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    return { failed: [...failed.values()], skipped };
  } finally {
    await queue.close();
  }
}

/** `steered worker`: take jobs from `queue` until stopped (SIGINT/SIGTERM: finish nothing new, exit). */
export async function runWorker(o: {
  redis: string;
  queue: string;
  bin: string;
  concurrency: number;
  log: (line: string) => void;
}): Promise<void> {
  const target = await checkRedis(o.redis);
  const { Worker, UnrecoverableError } = await import('bullmq');
  const worker: Worker = new Worker(
    o.queue,
    async (job: Job<JobData>) => {
      const { sweepDir, experiment, run } = job.data;
      o.log(`job ${run.id} seed ${run.seed} (attempt ${job.attemptsMade + 1})`);
      const r = await execRun(experiment, run, sweepDir, o.bin);
      if (r.completed) return { dir: runDirOf(sweepDir, run) };
      // A bad config or data file fails the same way on every attempt.
      if (r.code === 2) throw new UnrecoverableError(r.error ?? 'exit 2');
      throw new Error(r.error ?? `exit ${r.code ?? r.signal}`);
    },
    {
      connection: connection(target),
      concurrency: o.concurrency,
      lockDuration: LOCK_MS,
      stalledInterval: LOCK_MS / 2,
      maxStalledCount: 3,
    },
  );
  let fatal: Error | null = null;
  worker.on('error', (e) => {
    fatal ??= e;
  });
  worker.on('completed', (job) => o.log(`done ${job.id}`));
  worker.on('failed', (job, e) => o.log(`failed ${job?.id}: ${e.message}`));
  await new Promise<void>((resolve) => {
    const stop = () => void worker.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const watch = setInterval(() => {
      if (fatal) {
        clearInterval(watch);
        void worker.close(true).then(resolve);
      }
    }, 500);
    watch.unref();
  });
  if (fatal) throw new SweepError(`worker lost Redis at ${o.redis}: ${(fatal as Error).message}`);
}
