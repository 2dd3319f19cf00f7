// Backend of the contact-manager template: a small REST API over one storage key.
//   GET /contacts[?q=text]   → { items, total }
//   GET /contacts/:id        → { contact } | 404
//   POST /contacts           → 201 { contact } | 400 { error, errors }
//   PUT /contacts/:id        → { contact } | 400 | 404
//   DELETE /contacts/:id     → { success: true } | 404
// One storage value holds at most 64 KiB of JSON, so the list is capped; beyond a few hundred contacts store one key
// per contact (e.g. "contact:<id>", up to 500 keys per app) or keep the data in a file.
const KEY = 'contacts';
const MAX_CONTACTS = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function clean(body) {
  const s = (v, max) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
  const tags = Array.isArray(body.tags)
    ? body.tags.filter((t) => typeof t === 'string' && t.trim()).map((t) => t.trim().slice(0, 30)).slice(0, 10)
    : [];
  const value = { name: s(body.name, 100), email: s(body.email, 200), phone: s(body.phone, 40), company: s(body.company, 100), tags };
  const errors = {};
  if (!value.name) errors.name = 'Name is required';
  if (value.email && !EMAIL.test(value.email)) errors.email = 'Email is not valid';
  if (value.phone && !/^[+()0-9 .-]{3,40}$/.test(value.phone)) errors.phone = 'Phone may contain digits, spaces and + ( ) . -';
  return { value, errors };
}

const invalid = (c, errors) =>
  c.json({ error: { code: 'VALIDATION_FAILED', message: 'Some fields are invalid' }, errors }, 400);
const notFound = (c) => c.json({ error: { code: 'NOT_FOUND', message: 'No such contact' } }, 404);

async function readBody(c) {
  try { return (await c.req.json()) || {}; } catch (e) { return null; }
}

export default function (ctx) {
  const app = new ctx.Hono();
  const load = async () => (await ctx.storage.get(KEY)) || [];
  const save = (list) => ctx.storage.set(KEY, list);

  app.get('/contacts', async (c) => {
    const q = (c.req.query('q') || '').trim().toLowerCase();
    const all = await load();
    const items = q
      ? all.filter((x) => [x.name, x.email, x.company].concat(x.tags).join(' ').toLowerCase().indexOf(q) >= 0)
      : all;
    return c.json({ items, total: items.length });
  });

  app.get('/contacts/:id', async (c) => {
    const contact = (await load()).find((x) => x.id === c.req.param('id'));
    return contact ? c.json({ contact }) : notFound(c);
  });

  app.post('/contacts', async (c) => {
    const body = await readBody(c);
    if (!body) return invalid(c, { body: 'Body must be JSON' });
    const { value, errors } = clean(body);
    if (Object.keys(errors).length) return invalid(c, errors);
    const list = await load();
    if (list.length >= MAX_CONTACTS) {
      return c.json({ error: { code: 'LIMIT_REACHED', message: 'At most ' + MAX_CONTACTS + ' contacts' } }, 409);
    }
    const now = Date.now();
    const contact = { id: now.toString(36) + Math.random().toString(36).slice(2, 6), ...value, createdAt: now, updatedAt: now };
    await save(list.concat([contact]));
    ctx.events.emit('contacts-changed', { id: contact.id, action: 'created' });
    return c.json({ contact }, 201);
  });

  app.put('/contacts/:id', async (c) => {
    const id = c.req.param('id');
    const body = await readBody(c);
    if (!body) return invalid(c, { body: 'Body must be JSON' });
    const list = await load();
    const i = list.findIndex((x) => x.id === id);
    if (i < 0) return notFound(c);
    const { value, errors } = clean({ ...list[i], ...body });
    if (Object.keys(errors).length) return invalid(c, errors);
    const contact = { ...list[i], ...value, updatedAt: Date.now() };
    const next = list.slice();
    next[i] = contact;
    await save(next);
    ctx.events.emit('contacts-changed', { id, action: 'updated' });
    return c.json({ contact });
  });

  app.delete('/contacts/:id', async (c) => {
    const id = c.req.param('id');
    const list = await load();
    if (!list.some((x) => x.id === id)) return notFound(c);
    await save(list.filter((x) => x.id !== id));
    ctx.events.emit('contacts-changed', { id, action: 'deleted' });
    return c.json({ success: true });
  });

  return app;
}
