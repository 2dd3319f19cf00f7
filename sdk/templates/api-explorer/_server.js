// Backend of the api-explorer template: a few routes to try from the page, and a "job" that reports its progress
// as server-sent events (ctx.events.emit → useEventStream / KinBot.events in the page).
// Note: module-level state (like `jobs` below) is lost whenever any file of the app changes; keep what matters in
// ctx.storage.
let jobs = 0;

export default function (ctx) {
  const app = new ctx.Hono();

  app.get('/hello', (c) => {
    const name = c.req.query('name') || 'world';
    return c.json({ message: 'Hello, ' + name + '!', app: ctx.appName, time: new Date().toISOString() });
  });

  // Echo: shows what the backend received.
  app.post('/echo', async (c) => {
    let body = null;
    try { body = await c.req.json(); } catch (e) { body = null; }
    return c.json({ method: c.req.method, path: c.req.path, contentType: c.req.header('content-type') || null, body });
  });

  // A persistent counter in app storage (the page can read the same key with useStorage('counter')).
  app.get('/counter', async (c) => c.json({ value: (await ctx.storage.get('counter')) || 0 }));
  app.post('/counter', async (c) => {
    const value = ((await ctx.storage.get('counter')) || 0) + 1;
    await ctx.storage.set('counter', value);
    ctx.events.emit('counter', { value });
    return c.json({ value });
  });

  // Starts a job and answers at once (202); progress arrives as `progress` events, then one `done` event.
  app.post('/jobs', async (c) => {
    let body = {};
    try { body = (await c.req.json()) || {}; } catch (e) { body = {}; }
    const steps = Math.min(Math.max(Number(body.steps) || 5, 1), 20);
    const delay = Number(body.delayMs);
    const delayMs = Math.min(Math.max(Number.isFinite(delay) ? delay : 400, 0), 5000);
    const jobId = 'job-' + (++jobs);
    let step = 0;
    const tick = () => {
      step += 1;
      ctx.events.emit('progress', { jobId, step, total: steps });
      if (step < steps) setTimeout(tick, delayMs);
      else ctx.events.emit('done', { jobId, result: 'Finished ' + steps + ' steps' });
    };
    setTimeout(tick, delayMs);
    ctx.log.info('started ' + jobId + ' (' + steps + ' steps, ' + ctx.events.subscriberCount + ' listener(s))');
    return c.json({ jobId, steps, delayMs }, 202);
  });

  app.get('/listeners', (c) => c.json({ count: ctx.events.subscriberCount }));

  return app;
}
