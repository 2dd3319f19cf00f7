// Backend of the form template: validates submissions on the server (never trust the browser) and keeps the
// latest ones in app storage. Served at /api/mini-apps/<id>/api/*.
const TOPICS = ['question', 'feedback', 'bug', 'other'];
const MAX_KEPT = 50;
const MAX_CHARS = 60000; // one storage value holds at most 64 KiB of JSON: drop the oldest beyond that
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validate(body) {
  const errors = {};
  const str = (v) => (typeof v === 'string' ? v.trim() : '');
  const name = str(body.name);
  const email = str(body.email);
  const message = str(body.message);
  const topic = str(body.topic) || 'question';
  if (!name) errors.name = 'Name is required';
  else if (name.length > 100) errors.name = 'Name is too long (100 characters max)';
  if (!email) errors.email = 'Email is required';
  else if (!EMAIL.test(email)) errors.email = 'Email is not valid';
  if (message.length < 10) errors.message = 'Message must be at least 10 characters';
  else if (message.length > 2000) errors.message = 'Message is too long (2000 characters max)';
  if (TOPICS.indexOf(topic) < 0) errors.topic = 'Unknown topic';
  return { errors, value: { name, email, message, topic, subscribe: body.subscribe === true } };
}

export default function (ctx) {
  const app = new ctx.Hono();

  app.get('/submissions', async (c) => {
    const list = (await ctx.storage.get('submissions')) || [];
    return c.json({ items: list, total: list.length });
  });

  app.post('/submissions', async (c) => {
    let body;
    try {
      body = await c.req.json();
    } catch (e) {
      return c.json({ error: { code: 'INVALID_JSON', message: 'Body must be JSON' } }, 400);
    }
    const { errors, value } = validate(body || {});
    if (Object.keys(errors).length) {
      return c.json({ error: { code: 'VALIDATION_FAILED', message: 'Please fix the highlighted fields' }, errors }, 400);
    }
    const submission = { id: Date.now().toString(36) + Math.random().toString(36).slice(2, 6), ...value, createdAt: Date.now() };
    const list = (await ctx.storage.get('submissions')) || [];
    let kept = [submission, ...list].slice(0, MAX_KEPT);
    while (kept.length > 1 && JSON.stringify(kept).length > MAX_CHARS) kept = kept.slice(0, -1);
    await ctx.storage.set('submissions', kept);
    ctx.events.emit('submission', { id: submission.id, name: submission.name });
    ctx.log.info('new submission ' + submission.id);
    return c.json({ submission }, 201);
  });

  app.delete('/submissions', async (c) => {
    await ctx.storage.delete('submissions');
    return c.json({ success: true });
  });

  return app;
}
