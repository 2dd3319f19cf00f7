// A very small stand-in for `react`: enough hook semantics to drive hooks (renderHook) and to expand component trees
// once (renderTree) without a DOM. Not a general React implementation.
export const Fragment = Symbol.for('react.fragment');
let cur = null;
const depsChanged = (a, b) => !a || !b || a.length !== b.length || a.some((x, i) => !Object.is(x, b[i]));

function slot() { if (!cur) throw new Error('hook called outside a component'); return cur.i++; }
export function useState(init) {
  const c = cur; const i = slot();
  if (!(i in c.hooks)) {
    const h = { v: typeof init === 'function' ? init() : init };
    h.set = (nv) => { const v = typeof nv === 'function' ? nv(h.v) : nv; if (Object.is(v, h.v)) return; h.v = v; c.schedule(); };
    c.hooks[i] = h;
  }
  return [c.hooks[i].v, c.hooks[i].set];
}
export function useReducer(reducer, initArg, init) {
  const [s, set] = useState(() => (init ? init(initArg) : initArg));
  const r = useRef(reducer); r.current = reducer;
  const dispatch = useCallback((a) => set((prev) => r.current(prev, a)), []);
  return [s, dispatch];
}
export function useRef(init) { const c = cur; const i = slot(); if (!(i in c.hooks)) c.hooks[i] = { current: init }; return c.hooks[i]; }
export function useMemo(fn, deps) {
  const c = cur; const i = slot(); const h = c.hooks[i];
  if (!h || depsChanged(h.deps, deps)) c.hooks[i] = { v: fn(), deps };
  return c.hooks[i].v;
}
export function useCallback(fn, deps) { return useMemo(() => fn, deps); }
export function useEffect(fn, deps) {
  const c = cur; const i = slot(); const h = c.hooks[i];
  if (!h || depsChanged(h.deps, deps)) { c.hooks[i] = { deps, cleanup: h && h.cleanup }; c.effects.push(i); c.hooks[i].fn = fn; }
}
export const useLayoutEffect = useEffect;
export function useId() { const r = useRef(null); if (!r.current) r.current = ':r' + Math.random().toString(36).slice(2, 8) + ':'; return r.current; }
export function useContext(ctx) { return ctx._stack.length ? ctx._stack[ctx._stack.length - 1] : ctx._default; }
export function useImperativeHandle(ref, make) { if (typeof ref === 'function') ref(make()); else if (ref) ref.current = make(); }
export function createContext(def) {
  const ctx = { _default: def, _stack: [] };
  ctx.Provider = { $$provider: ctx };
  return ctx;
}
export function forwardRef(render) { return { $$forwardRef: true, render }; }
export function memo(c) { return c; }
export function createElement(type, props, ...children) {
  const p = { ...(props || {}) };
  const key = p.key; delete p.key;
  if (children.length === 1) p.children = children[0]; else if (children.length > 1) p.children = children;
  return { $$element: true, type, key, props: p };
}
export function isValidElement(x) { return !!(x && x.$$element); }
export function cloneElement(el, props, ...children) {
  const p = { ...el.props, ...(props || {}) };
  if (children.length) p.children = children.length === 1 ? children[0] : children;
  return { ...el, props: p };
}
const flat = (c) => (c === undefined || c === null ? [] : Array.isArray(c) ? c.flatMap(flat) : [c]);
export const Children = {
  toArray: (c) => flat(c).filter((x) => x !== false && x !== true),
  map: (c, fn) => flat(c).map(fn),
  forEach: (c, fn) => flat(c).forEach(fn),
  count: (c) => flat(c).length,
  only: (c) => flat(c)[0],
};
export function startTransition(fn) { fn(); }

function makeInstance(schedule) { return { hooks: {}, i: 0, effects: [], schedule }; }
function runEffects(c) {
  const list = c.effects; c.effects = [];
  for (const i of list) { const h = c.hooks[i]; if (typeof h.cleanup === 'function') h.cleanup(); h.cleanup = h.fn(); }
}

/** Render a hook in a pretend component; re-renders on state changes (batched to a microtask). */
export function renderHook(fn, initialProps) {
  let props = initialProps;
  let queued = false; let alive = true;
  const result = { current: undefined, renders: 0 };
  const inst = makeInstance(() => { if (!queued && alive) { queued = true; queueMicrotask(() => { queued = false; if (alive) render(); }); } });
  function render() {
    const prev = cur; cur = inst; inst.i = 0;
    try { result.current = fn(props); result.renders++; } finally { cur = prev; }
    runEffects(inst);
  }
  render();
  return {
    result,
    rerender(p) { if (p !== undefined) props = p; render(); },
    unmount() { alive = false; for (const k of Object.keys(inst.hooks)) { const h = inst.hooks[k]; if (h && typeof h.cleanup === 'function' && 'fn' in h) h.cleanup(); } },
  };
}

/** Expand an element tree once (function components called with fresh hooks, effects not run). */
export function renderTree(el) {
  if (el === null || el === undefined || typeof el === 'boolean') return null;
  if (typeof el === 'string' || typeof el === 'number') return String(el);
  if (Array.isArray(el)) return el.map(renderTree).filter((x) => x !== null);
  if (!isValidElement(el)) throw new Error('not renderable: ' + JSON.stringify(el));
  const { type, props } = el;
  if (type === Fragment) return renderTree(props.children);
  if (type && type.$$provider) {
    type.$$provider._stack.push(props.value);
    try { return renderTree(props.children); } finally { type.$$provider._stack.pop(); }
  }
  if (typeof type === 'function' || (type && type.$$forwardRef)) {
    const prev = cur; cur = makeInstance(() => {}); let out;
    try { out = type.$$forwardRef ? type.render(props, props.ref ?? null) : type(props); } finally { cur = prev; }
    return renderTree(out);
  }
  if (typeof type !== 'string') throw new Error('bad element type: ' + String(type));
  const { children, ...rest } = props;
  return { type, props: rest, children: [].concat(renderTree(children) ?? []).flat() };
}

/** Find host nodes in a renderTree result. */
export function findAll(tree, pred, out = []) {
  if (Array.isArray(tree)) { tree.forEach((t) => findAll(t, pred, out)); return out; }
  if (!tree || typeof tree !== 'object') return out;
  if (pred(tree)) out.push(tree);
  findAll(tree.children, pred, out);
  return out;
}
export function textOf(tree) {
  if (tree === null || tree === undefined) return '';
  if (typeof tree === 'string') return tree;
  if (Array.isArray(tree)) return tree.map(textOf).join('');
  return textOf(tree.children);
}

const React = { Fragment, useState, useReducer, useRef, useMemo, useCallback, useEffect, useLayoutEffect, useId, useContext,
  useImperativeHandle, createContext, forwardRef, memo, createElement, isValidElement, cloneElement, Children, startTransition };
export default React;
