// @kinbot/components — UI components for KinBot mini-apps, styled by kinbot-sdk.css (auto-injected).
// ES module, no build step, no JSX. `react` is resolved through the mini-app's import map.
import * as ReactModule from 'react';

// Works with builds that expose React as named exports, as a default export, or both.
const React = ReactModule.default && ReactModule.default.createElement ? ReactModule.default : ReactModule;

const { useState, useEffect, useRef, useCallback, useMemo, useContext, createContext, forwardRef } = React;
const h = React.createElement;
const Frag = React.Fragment;

// ============================================================================================ helpers
const cx = (...parts) => parts.flat().filter(Boolean).join(' ') || undefined;
const space = (v) => (v === undefined || v === null ? undefined : typeof v === 'number' ? v * 0.25 + 'rem' : v);
const px = (v) => (v === undefined || v === null ? undefined : typeof v === 'number' ? v + 'px' : v);
const ALIGN = { start: 'flex-start', end: 'flex-end', center: 'center', stretch: 'stretch', baseline: 'baseline' };
const JUSTIFY = { start: 'flex-start', end: 'flex-end', center: 'center', between: 'space-between', around: 'space-around', evenly: 'space-evenly' };
const chartColor = (i, c) => c || `var(--color-chart-${(i % 5) + 1})`;
let idSeq = 0;
function useStableId(given) {
  const ref = useRef(null);
  if (!ref.current) ref.current = given || 'kb-' + (++idSeq);
  return given || ref.current;
}
// Controlled when `value` is given, otherwise internal state seeded by `defaultValue`.
function useControlled(value, defaultValue, onChange) {
  const [inner, setInner] = useState(defaultValue);
  const controlled = value !== undefined;
  const current = controlled ? value : inner;
  const set = useCallback((next, ...extra) => {
    if (!controlled) setInner(next);
    if (onChange) onChange(next, ...extra);
  }, [controlled, onChange]);
  return [current, set];
}
function useOutside(ref, active, onOutside) {
  const cb = useRef(onOutside);
  cb.current = onOutside;
  useEffect(() => {
    if (!active) return undefined;
    const fn = (e) => { if (ref.current && !ref.current.contains(e.target)) cb.current(e); };
    const key = (e) => { if (e.key === 'Escape') cb.current(e); };
    document.addEventListener('mousedown', fn);
    document.addEventListener('touchstart', fn);
    document.addEventListener('keydown', key);
    return () => {
      document.removeEventListener('mousedown', fn);
      document.removeEventListener('touchstart', fn);
      document.removeEventListener('keydown', key);
    };
  }, [active]);
}
function copyText(text) {
  const kb = typeof window !== 'undefined' ? window.KinBot : null;
  if (kb && kb.clipboard) return kb.clipboard.write(text);
  if (typeof navigator !== 'undefined' && navigator.clipboard) return navigator.clipboard.writeText(text).then(() => true, () => false);
  return Promise.resolve(false);
}
function Field({ id, label, error, helpText, required, className, style, children }) {
  return h('div', { className: cx('kb-field', className), style },
    label ? h('label', { className: 'label', htmlFor: id }, label, required ? h('span', { className: 'kb-required', 'aria-hidden': true }, '*') : null) : null,
    children,
    error ? h('div', { className: 'kb-field-error', role: 'alert' }, error) : helpText ? h('div', { className: 'kb-field-help' }, helpText) : null);
}

// ============================================================================================ layout
export function Stack({ direction = 'column', gap = 3, align, justify, wrap, as = 'div', className, style, children, ...rest }) {
  return h(as, { ...rest, className: cx('kb-stack', className), style: {
    display: 'flex', flexDirection: direction, gap: space(gap), alignItems: ALIGN[align] || align,
    justifyContent: JUSTIFY[justify] || justify, flexWrap: wrap === true ? 'wrap' : wrap || undefined, ...style,
  } }, children);
}

export function Grid({ columns = 2, minChildWidth, gap = 4, rowGap, colGap, as = 'div', className, style, children, ...rest }) {
  const template = minChildWidth
    ? `repeat(auto-fill, minmax(min(${px(minChildWidth)}, 100%), 1fr))`
    : typeof columns === 'number' ? `repeat(${columns}, minmax(0, 1fr))` : columns;
  return h(as, { ...rest, className: cx('kb-grid', className), style: {
    display: 'grid', gridTemplateColumns: template, gap: space(gap), rowGap: space(rowGap), columnGap: space(colGap), ...style,
  } }, children);
}
Grid.Item = function GridItem({ colSpan, rowSpan, className, style, children, ...rest }) {
  const span = (n) => (n === undefined ? undefined : n === 'full' ? '1 / -1' : `span ${n} / span ${n}`);
  return h('div', { ...rest, className, style: { gridColumn: span(colSpan), gridRow: span(rowSpan), ...style } }, children);
};

export function Divider({ orientation = 'horizontal', label, gradient, className, style }) {
  if (label && orientation !== 'vertical') return h('div', { className: cx('kb-divider-label', className), style, role: 'separator' }, label);
  const cls = orientation === 'vertical' ? 'separator-vertical' : gradient ? 'separator-gradient' : 'separator';
  return h('div', { className: cx(cls, className), style, role: 'separator', 'aria-orientation': orientation });
}

export function Card({ hover, as = 'div', className, children, ...rest }) {
  return h(as, { ...rest, className: cx('card', hover && 'card-hover', rest.onClick && 'cursor-pointer', className) }, children);
}
Card.Header = ({ className, children, ...rest }) => h('div', { ...rest, className: cx('card-header', className) }, children);
Card.Title = ({ as = 'h3', className, children, ...rest }) => h(as, { ...rest, className: cx('card-title', className) }, children);
Card.Description = ({ className, children, ...rest }) => h('p', { ...rest, className: cx('card-description', className) }, children);
Card.Content = ({ className, children, ...rest }) => h('div', { ...rest, className: cx('card-content', className) }, children);
Card.Footer = ({ className, children, ...rest }) => h('div', { ...rest, className: cx('card-footer', className) }, children);

export function Panel({ title, icon, collapsible = false, defaultOpen = true, open: openProp, onToggle, actions, variant = 'default', className, style, children }) {
  const [open, setOpen] = useControlled(openProp, defaultOpen, onToggle);
  const header = (title || icon || actions) ? h('div', {
    className: 'kb-panel-header',
    role: collapsible ? 'button' : undefined, tabIndex: collapsible ? 0 : undefined, 'aria-expanded': collapsible ? !!open : undefined,
    onClick: collapsible ? () => setOpen(!open) : undefined,
    onKeyDown: collapsible ? (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); setOpen(!open); } } : undefined,
  },
  collapsible ? h('span', { className: cx('kb-chevron', open && 'open'), 'aria-hidden': true }, '›') : null,
  icon ? h('span', { 'aria-hidden': true }, icon) : null,
  h('span', { className: 'kb-panel-title' }, title),
  actions ? h('div', { className: 'kb-panel-actions', onClick: (e) => e.stopPropagation() }, actions) : null) : null;
  return h('section', { className: cx('kb-panel', variant !== 'default' && 'kb-panel-' + variant, className), style },
    header, (!collapsible || open) ? h('div', { className: 'kb-panel-body', style: header ? undefined : { paddingTop: '1rem' } }, children) : null);
}

// ============================================================================================ buttons
export const Button = forwardRef(function Button({ variant = 'primary', size = 'md', loading = false, disabled, icon, iconRight,
  block, type = 'button', as = 'button', className, children, ...rest }, ref) {
  const cls = cx('btn', variant && 'btn-' + variant, size && size !== 'md' && 'btn-' + size, block && 'btn-block', loading && 'btn-loading', className);
  const props = { ...rest, ref, className: cls, 'aria-busy': loading || undefined };
  if (as === 'button') { props.type = type; props.disabled = disabled || loading; } else if (disabled) props['aria-disabled'] = true;
  return h(as, props,
    loading ? h('span', { className: 'spinner spinner-sm', 'aria-hidden': true }) : null,
    icon ? h('span', { 'aria-hidden': true, className: 'inline-flex' }, icon) : null,
    children,
    iconRight ? h('span', { 'aria-hidden': true, className: 'inline-flex' }, iconRight) : null);
});

export function ButtonGroup({ orientation = 'horizontal', className, style, children }) {
  return h('div', { role: 'group', className: cx('kb-btn-group', orientation === 'vertical' && 'kb-btn-group-vertical', className), style }, children);
}

// ============================================================================================ inputs
export const Input = forwardRef(function Input({ label, error, helpText, icon, id, required, className, style, inputClassName, ...rest }, ref) {
  const fid = useStableId(id);
  const input = h('input', { ...rest, id: fid, ref, required, 'aria-invalid': error ? true : undefined, className: cx('input', error && 'input-error', inputClassName) });
  return h(Field, { id: fid, label, error, helpText, required, className, style },
    icon ? h('div', { className: 'kb-input-wrap has-icon' }, h('span', { className: 'kb-input-icon' }, icon), input) : input);
});

export const Textarea = forwardRef(function Textarea({ label, error, helpText, id, required, rows = 4, className, style, ...rest }, ref) {
  const fid = useStableId(id);
  return h(Field, { id: fid, label, error, helpText, required, className, style },
    h('textarea', { ...rest, id: fid, ref, rows, required, 'aria-invalid': error ? true : undefined, className: cx('textarea', error && 'input-error') }));
});

const normOptions = (options) => (options || []).map((o) => (o !== null && typeof o === 'object' ? o : { value: o, label: String(o) }));

export const Select = forwardRef(function Select({ label, error, helpText, id, required, options = [], placeholder, className, style, ...rest }, ref) {
  const fid = useStableId(id);
  return h(Field, { id: fid, label, error, helpText, required, className, style },
    h('select', { ...rest, id: fid, ref, required, 'aria-invalid': error ? true : undefined, className: cx('select', error && 'input-error') },
      placeholder !== undefined ? h('option', { value: '', disabled: !!required }, placeholder) : null,
      normOptions(options).map((o) => h('option', { key: String(o.value), value: o.value, disabled: o.disabled }, o.label))));
});

export const Checkbox = forwardRef(function Checkbox({ label, description, onCheckedChange, onChange, className, style, id, ...rest }, ref) {
  const fid = useStableId(id);
  const change = (e) => { if (onChange) onChange(e); if (onCheckedChange) onCheckedChange(e.target.checked); };
  return h('label', { className: cx('kb-check', className), style, htmlFor: fid },
    h('input', { ...rest, id: fid, ref, type: 'checkbox', className: 'checkbox', onChange: change }),
    (label || description) ? h('span', null, label, description ? h('span', { className: 'kb-field-help', style: { display: 'block' } }, description) : null) : null);
});

export function Switch({ label, checked, defaultChecked = false, onChange, disabled, id, className, style }) {
  const [on, setOn] = useControlled(checked, defaultChecked, onChange);
  const fid = useStableId(id);
  const btn = h('button', { type: 'button', role: 'switch', id: fid, 'aria-checked': !!on, disabled, className: cx('switch', on && 'checked'),
    onClick: () => setOn(!on) }, h('span', { className: 'switch-thumb' }));
  if (!label) return h('span', { className, style }, btn);
  return h('div', { className: cx('kb-check', className), style }, btn, h('label', { htmlFor: fid, className: 'cursor-pointer' }, label));
}

export function RadioGroup({ name, options = [], value, defaultValue, onChange, direction = 'column', label, error, disabled, className, style }) {
  const [current, setCurrent] = useControlled(value, defaultValue, onChange);
  const gname = useStableId(name);
  return h(Field, { label, error, className, style },
    h('div', { role: 'radiogroup', className: cx('kb-radio-group', direction === 'row' && 'row') },
      normOptions(options).map((o) => h('label', { key: String(o.value), className: 'kb-check' },
        h('input', { type: 'radio', className: 'radio', name: gname, value: o.value, checked: current === o.value,
          disabled: disabled || o.disabled, onChange: () => setCurrent(o.value) }),
        h('span', null, o.label, o.description ? h('span', { className: 'kb-field-help', style: { display: 'block' } }, o.description) : null)))));
}

export function Slider({ value, defaultValue, min = 0, max = 100, step = 1, onChange, label, showValue = true, formatValue, disabled, className, style }) {
  const [v, setV] = useControlled(value, defaultValue !== undefined ? defaultValue : min, onChange);
  const fid = useStableId();
  const shown = formatValue ? formatValue(v) : String(v);
  return h('div', { className: cx('kb-field', className), style },
    (label || showValue) ? h('div', { className: 'kb-slider-head' },
      label ? h('label', { className: 'label', htmlFor: fid }, label) : h('span'),
      showValue ? h('span', { className: 'kb-slider-value' }, shown) : null) : null,
    h('input', { id: fid, type: 'range', className: 'kb-slider', min, max, step, value: v, disabled,
      'aria-valuetext': shown, onChange: (e) => setV(Number(e.target.value)) }));
}

export function DatePicker({ value, onChange, type = 'date', min, max, label, error, helpText, id, className, style, ...rest }) {
  const fid = useStableId(id);
  return h(Field, { id: fid, label, error, helpText, className, style },
    h('input', { ...rest, id: fid, type, className: cx('input', error && 'input-error'), value: value == null ? '' : value, min, max,
      onChange: (e) => onChange && onChange(e.target.value) }));
}

export function NumberInput({ value, defaultValue, onChange, min, max, step = 1, precision, label, error, helpText, disabled, placeholder, id, className, style }) {
  const [v, setV] = useControlled(value, defaultValue === undefined ? null : defaultValue, onChange);
  const fid = useStableId(id);
  const clamp = (n) => {
    if (n === null || Number.isNaN(n)) return null;
    if (min !== undefined) n = Math.max(min, n);
    if (max !== undefined) n = Math.min(max, n);
    if (precision !== undefined) n = Number(n.toFixed(precision));
    return n;
  };
  const bump = (dir) => setV(clamp((typeof v === 'number' ? v : (min !== undefined ? min : 0)) + dir * step));
  return h(Field, { id: fid, label, error, helpText, className, style },
    h('div', { className: 'kb-number' },
      h('button', { type: 'button', className: 'btn btn-secondary btn-sm', disabled: disabled || (min !== undefined && v !== null && v <= min), onClick: () => bump(-1), 'aria-label': 'Decrease' }, '−'),
      h('input', { id: fid, type: 'number', className: cx('input', error && 'input-error'), value: v === null || v === undefined ? '' : v, min, max, step, disabled, placeholder,
        inputMode: 'decimal',
        onChange: (e) => setV(e.target.value === '' ? null : Number(e.target.value)),
        onBlur: () => { const c = clamp(v === null || v === undefined ? null : Number(v)); if (c !== v) setV(c); } }),
      h('button', { type: 'button', className: 'btn btn-secondary btn-sm', disabled: disabled || (max !== undefined && v !== null && v >= max), onClick: () => bump(1), 'aria-label': 'Increase' }, '+')));
}

export function Combobox({ options = [], value, defaultValue = null, onChange, placeholder = 'Select…', searchPlaceholder, clearable = false,
  renderOption, label, error, helpText, disabled, emptyText = 'No results', id, className, style }) {
  const [current, setCurrent] = useControlled(value, defaultValue, onChange);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const wrap = useRef(null);
  const fid = useStableId(id);
  const opts = normOptions(options);
  const selected = opts.find((o) => o.value === current) || null;
  const q = query.trim().toLowerCase();
  const filtered = q ? opts.filter((o) => String(o.label).toLowerCase().includes(q) || (o.description && String(o.description).toLowerCase().includes(q))) : opts;
  useOutside(wrap, open, () => { setOpen(false); setQuery(''); });
  const choose = (o) => { if (o.disabled) return; setCurrent(o.value, o); setOpen(false); setQuery(''); };
  const onKey = (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); setActive((a) => Math.min(a + 1, filtered.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => Math.max(a - 1, 0)); }
    else if (e.key === 'Enter') { e.preventDefault(); if (open && filtered[active]) choose(filtered[active]); else setOpen(true); }
    else if (e.key === 'Escape') { setOpen(false); setQuery(''); }
  };
  return h(Field, { id: fid, label, error, helpText, className, style },
    h('div', { className: 'kb-combobox', ref: wrap },
      h('div', { className: 'kb-input-wrap' },
        h('input', { id: fid, className: cx('input', error && 'input-error'), role: 'combobox', 'aria-expanded': open, 'aria-autocomplete': 'list', disabled,
          placeholder: selected ? String(selected.label) : (open && searchPlaceholder) || placeholder,
          value: open ? query : selected ? String(selected.label) : '',
          onFocus: () => setOpen(true), onClick: () => setOpen(true), onKeyDown: onKey,
          onChange: (e) => { setQuery(e.target.value); setOpen(true); setActive(0); } }),
        clearable && selected && !disabled ? h('button', { type: 'button', className: 'kb-close', style: { position: 'absolute', right: '0.2rem' }, 'aria-label': 'Clear',
          onClick: () => setCurrent(null, null) }, '×') : null),
      open ? h('div', { className: 'kb-listbox', role: 'listbox' },
        filtered.length === 0 ? h('div', { className: 'kb-option-empty' }, emptyText)
          : filtered.map((o, i) => h('div', { key: String(o.value), role: 'option', 'aria-selected': o.value === current, 'aria-disabled': o.disabled || undefined,
            className: cx('kb-option', i === active && 'active', o.value === current && 'selected'), style: o.disabled ? { opacity: 0.5 } : undefined,
            onMouseEnter: () => setActive(i), onMouseDown: (e) => { e.preventDefault(); choose(o); } },
          renderOption ? renderOption(o, { selected: o.value === current, active: i === active }) : h(Frag, null,
            o.icon ? h('span', { 'aria-hidden': true }, o.icon) : null,
            h('span', { style: { flex: 1, minWidth: 0 } }, o.label, o.description ? h('span', { className: 'kb-option-desc' }, o.description) : null),
            o.value === current ? h('span', { 'aria-hidden': true }, '✓') : null)))) : null));
}

export function TagInput({ value, defaultValue = [], onChange, suggestions = [], maxTags, allowDuplicates = false, validate, placeholder = 'Add…',
  label, error, helpText, disabled, className, style }) {
  const [tags, setTags] = useControlled(value, defaultValue, onChange);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState(null);
  const list = tags || [];
  const full = maxTags !== undefined && list.length >= maxTags;
  const add = (raw) => {
    const t = String(raw).trim();
    if (!t || full) return;
    if (!allowDuplicates && list.includes(t)) { setProblem('Already added'); return; }
    if (validate) {
      const r = validate(t, list);
      if (r === false || typeof r === 'string') { setProblem(typeof r === 'string' ? r : 'Invalid value'); return; }
    }
    setProblem(null);
    setTags(list.concat([t]));
    setText('');
  };
  const remove = (i) => setTags(list.filter((_, j) => j !== i));
  const sugg = text ? suggestions.filter((s) => String(s).toLowerCase().includes(text.toLowerCase()) && (allowDuplicates || !list.includes(s))).slice(0, 8) : [];
  return h(Field, { label, error: error || problem, helpText, className, style },
    h('div', { className: 'kb-combobox' },
      h('div', { className: cx('kb-taginput', 'kb-focus-within', (error || problem) && 'input-error') },
        list.map((t, i) => h(Tag, { key: t + ':' + i, onRemove: disabled ? undefined : () => remove(i) }, t)),
        h('input', { value: text, disabled: disabled || full, placeholder: full ? '' : placeholder, 'aria-label': typeof label === 'string' ? label : 'Add tag',
          onChange: (e) => { setText(e.target.value); setProblem(null); },
          onKeyDown: (e) => {
            if (e.key === 'Enter' || e.key === ',' || e.key === 'Tab') { if (text.trim()) { e.preventDefault(); add(text); } }
            else if (e.key === 'Backspace' && !text && list.length) remove(list.length - 1);
          },
          onBlur: () => { if (text.trim()) add(text); } })),
      sugg.length ? h('div', { className: 'kb-listbox', role: 'listbox' },
        sugg.map((s) => h('div', { key: String(s), className: 'kb-option', role: 'option', onMouseDown: (e) => { e.preventDefault(); add(s); } }, s))) : null));
}

const DEFAULT_SWATCHES = ['#ef4444', '#f97316', '#f59e0b', '#eab308', '#84cc16', '#22c55e', '#14b8a6', '#06b6d4', '#3b82f6', '#6366f1', '#8b5cf6', '#a855f7', '#ec4899', '#64748b', '#0f172a', '#ffffff'];
export function ColorPicker({ value, defaultValue = '#6366f1', onChange, swatches = DEFAULT_SWATCHES, showInput = true, label, error, className, style }) {
  const [color, setColor] = useControlled(value, defaultValue, onChange);
  const [text, setText] = useState(color || '');
  useEffect(() => { setText(color || ''); }, [color]);
  const commit = (t) => { const v = t.trim(); if (/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(v)) setColor(v.toLowerCase()); else setText(color || ''); };
  return h(Field, { label, error, className, style },
    h('div', { className: 'kb-color' },
      h('div', { className: 'kb-color-row' },
        h('input', { type: 'color', className: 'kb-color-native', value: /^#[0-9a-f]{6}$/i.test(color || '') ? color : '#000000', 'aria-label': 'Pick a colour',
          onChange: (e) => setColor(e.target.value) }),
        showInput ? h('input', { className: 'input font-mono', style: { maxWidth: '8rem' }, value: text, maxLength: 7,
          onChange: (e) => setText(e.target.value), onBlur: (e) => commit(e.target.value), onKeyDown: (e) => { if (e.key === 'Enter') commit(e.target.value); } }) : null),
      swatches && swatches.length ? h('div', { className: 'kb-swatches' }, swatches.map((s) => h('button', { key: s, type: 'button', title: s, 'aria-label': s,
        className: cx('kb-swatch', String(color).toLowerCase() === s.toLowerCase() && 'selected'), style: { background: s }, onClick: () => setColor(s) }))) : null));
}

// --- tiny markdown → React (no HTML injection)
const SAFE_URL = /^(https?:|mailto:|#|\/|\.\/|\.\.\/)/i;
function mdInline(text, key) {
  const out = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*|__[^_]+__)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(~~[^~]+~~)|(\[[^\]]+\]\([^)\s]+\))/;
  let rest = String(text);
  let i = 0;
  while (rest) {
    const m = re.exec(rest);
    if (!m) { out.push(rest); break; }
    if (m.index) out.push(rest.slice(0, m.index));
    const tok = m[0];
    const k = key + '-' + (i++);
    if (m[1]) out.push(h('code', { key: k }, tok.slice(1, -1)));
    else if (m[2]) out.push(h('strong', { key: k }, mdInline(tok.slice(2, -2), k)));
    else if (m[3]) out.push(h('em', { key: k }, mdInline(tok.slice(1, -1), k)));
    else if (m[4]) out.push(h('del', { key: k }, mdInline(tok.slice(2, -2), k)));
    else {
      const lm = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(tok);
      out.push(SAFE_URL.test(lm[2]) ? h('a', { key: k, href: lm[2], target: '_blank', rel: 'noopener noreferrer' }, mdInline(lm[1], k)) : lm[1]);
    }
    rest = rest.slice(m.index + tok.length);
  }
  return out;
}
export function renderMarkdown(src) {
  const lines = String(src || '').replace(/\r\n?/g, '\n').split('\n');
  const blocks = [];
  let i = 0;
  let k = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) { i++; continue; }
    let m;
    if ((m = /^```\s*(\S*)/.exec(line))) {
      const body = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i])) body.push(lines[i++]);
      i++;
      blocks.push(h('pre', { key: k++ }, h('code', { 'data-lang': m[1] || undefined }, body.join('\n'))));
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      blocks.push(h('h' + m[1].length, { key: k++ }, mdInline(m[2], 'h' + k))); i++;
    } else if (/^(-{3,}|\*{3,}|_{3,})\s*$/.test(line)) {
      blocks.push(h('hr', { key: k++ })); i++;
    } else if (/^>\s?/.test(line)) {
      const body = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) body.push(lines[i++].replace(/^>\s?/, ''));
      blocks.push(h('blockquote', { key: k++ }, mdInline(body.join(' '), 'q' + k)));
    } else if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      const ordered = /^\s*\d+[.)]\s+/.test(line);
      const items = [];
      while (i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i])) {
        const t = lines[i++].replace(/^\s*([-*+]|\d+[.)])\s+/, '');
        const task = /^\[( |x|X)\]\s+(.*)$/.exec(t);
        items.push(h('li', { key: items.length }, task ? [h('input', { key: 'c', type: 'checkbox', checked: task[1] !== ' ', readOnly: true, disabled: true }), ' ', ...mdInline(task[2], 'l' + items.length)] : mdInline(t, 'l' + items.length)));
      }
      blocks.push(h(ordered ? 'ol' : 'ul', { key: k++ }, items));
    } else {
      const body = [];
      while (i < lines.length && !/^\s*$/.test(lines[i]) && !/^(```|#{1,6}\s|>|\s*([-*+]|\d+[.)])\s+)/.test(lines[i])) body.push(lines[i++]);
      if (!body.length) body.push(lines[i++]);
      blocks.push(h('p', { key: k++ }, mdInline(body.join(' '), 'p' + k)));
    }
  }
  return blocks;
}

const MD_TOOLS = [
  { label: 'B', title: 'Bold', wrap: ['**', '**'] }, { label: 'I', title: 'Italic', wrap: ['_', '_'] },
  { label: 'S', title: 'Strikethrough', wrap: ['~~', '~~'] }, { label: 'H', title: 'Heading', prefix: '## ' },
  { label: '•', title: 'List', prefix: '- ' }, { label: '1.', title: 'Numbered list', prefix: '1. ' },
  { label: '❝', title: 'Quote', prefix: '> ' }, { label: '</>', title: 'Code', wrap: ['`', '`'] }, { label: '🔗', title: 'Link', wrap: ['[', '](https://)'] },
];
export function MarkdownEditor({ value, defaultValue = '', onChange, showPreview = true, showToolbar = true, minHeight = 160, maxHeight,
  placeholder = 'Write markdown…', label, error, helpText, className, style }) {
  const [text, setText] = useControlled(value, defaultValue, onChange);
  const [mode, setMode] = useState('edit');
  const ta = useRef(null);
  const apply = (tool) => {
    const el = ta.current;
    const t = text || '';
    const s = el ? el.selectionStart : t.length;
    const e = el ? el.selectionEnd : t.length;
    let next;
    if (tool.wrap) next = t.slice(0, s) + tool.wrap[0] + t.slice(s, e) + tool.wrap[1] + t.slice(e);
    else { const ls = t.lastIndexOf('\n', s - 1) + 1; next = t.slice(0, ls) + tool.prefix + t.slice(ls); }
    setText(next);
    if (el) setTimeout(() => el.focus(), 0);
  };
  const split = showPreview === 'split';
  return h(Field, { label, error, helpText, className, style },
    h('div', { className: 'kb-md kb-focus-within' },
      (showToolbar || showPreview) ? h('div', { className: 'kb-md-toolbar' },
        showToolbar ? MD_TOOLS.map((tl) => h('button', { key: tl.title, type: 'button', className: 'btn btn-ghost', title: tl.title, 'aria-label': tl.title,
          disabled: mode === 'preview', onClick: () => apply(tl) }, tl.label)) : null,
        showPreview && !split ? h('div', { className: 'ml-auto flex gap-1' },
          h('button', { type: 'button', className: cx('btn', mode === 'edit' ? 'btn-secondary' : 'btn-ghost'), onClick: () => setMode('edit') }, 'Write'),
          h('button', { type: 'button', className: cx('btn', mode === 'preview' ? 'btn-secondary' : 'btn-ghost'), onClick: () => setMode('preview') }, 'Preview')) : null) : null,
      h('div', { className: cx('kb-md-body', split && 'split'), style: { minHeight: px(minHeight), maxHeight: px(maxHeight) } },
        (split || mode === 'edit') ? h('textarea', { ref: ta, value: text || '', placeholder, style: { minHeight: px(minHeight), maxHeight: px(maxHeight) },
          onChange: (e) => setText(e.target.value) }) : null,
        (split || mode === 'preview') ? h('div', { className: 'kb-md-preview kb-prose', style: { maxHeight: px(maxHeight), borderLeftWidth: split ? 1 : 0 } }, renderMarkdown(text)) : null)));
}

// --- dates
const pad2 = (n) => String(n).padStart(2, '0');
export const toISODate = (d) => d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate());
export function parseISODate(v) {
  if (!v) return null;
  if (v instanceof Date) return new Date(v.getFullYear(), v.getMonth(), v.getDate());
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(v));
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}
const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
function monthGrid(year, month, weekStart) {
  const first = new Date(year, month, 1);
  const offset = (first.getDay() - weekStart + 7) % 7;
  const start = addDays(first, -offset);
  return Array.from({ length: 42 }, (_, i) => addDays(start, i));
}
function fmtMonth(d, locale) { try { return d.toLocaleDateString(locale, { month: 'long', year: 'numeric' }); } catch (e) { return toISODate(d).slice(0, 7); } }
function dowNames(locale, weekStart) {
  return Array.from({ length: 7 }, (_, i) => {
    const d = new Date(2024, 0, 7 + ((i + weekStart) % 7)); // 2024-01-07 is a Sunday
    try { return d.toLocaleDateString(locale, { weekday: 'narrow' }); } catch (e) { return 'SMTWTFS'[(i + weekStart) % 7]; }
  });
}

export function Calendar({ mode = 'single', value, defaultValue, onChange, events = [], weekStart = 1, locale, min, max, month: monthProp,
  onMonthChange, onDayClick, className, style }) {
  const empty = mode === 'multiple' ? [] : mode === 'range' ? { start: null, end: null } : null;
  const [val, setVal] = useControlled(value, defaultValue !== undefined ? defaultValue : empty, onChange);
  const seed = parseISODate(mode === 'range' ? val && val.start : mode === 'multiple' ? val && val[0] : val) || new Date();
  const [viewInner, setViewInner] = useState(new Date(seed.getFullYear(), seed.getMonth(), 1));
  const view = monthProp ? parseISODate(monthProp) || viewInner : viewInner;
  const setView = (d) => { setViewInner(d); if (onMonthChange) onMonthChange(toISODate(d)); };
  const today = toISODate(new Date());
  const minD = min ? String(min).slice(0, 10) : null;
  const maxD = max ? String(max).slice(0, 10) : null;
  const byDay = useMemo(() => {
    const map = {};
    (events || []).forEach((ev) => { const d = parseISODate(ev.date); if (d) (map[toISODate(d)] = map[toISODate(d)] || []).push(ev); });
    return map;
  }, [events]);
  const isSel = (iso) => {
    if (mode === 'multiple') return (val || []).map((x) => toISODate(parseISODate(x))).includes(iso);
    if (mode === 'range') return !!val && (iso === (val.start && String(val.start).slice(0, 10)) || iso === (val.end && String(val.end).slice(0, 10)));
    return !!val && iso === toISODate(parseISODate(val));
  };
  const inRange = (iso) => mode === 'range' && val && val.start && val.end && iso > String(val.start).slice(0, 10) && iso < String(val.end).slice(0, 10);
  const click = (d) => {
    const iso = toISODate(d);
    if (onDayClick) onDayClick(iso, byDay[iso] || []);
    if (mode === 'multiple') { const cur = (val || []).map((x) => toISODate(parseISODate(x))); setVal(cur.includes(iso) ? cur.filter((x) => x !== iso) : cur.concat([iso]).sort()); }
    else if (mode === 'range') {
      const s = val && val.start ? String(val.start).slice(0, 10) : null;
      const e = val && val.end ? String(val.end).slice(0, 10) : null;
      if (!s || (s && e)) setVal({ start: iso, end: null });
      else if (iso < s) setVal({ start: iso, end: s });
      else setVal({ start: s, end: iso });
    } else setVal(iso);
    if (d.getMonth() !== view.getMonth()) setView(new Date(d.getFullYear(), d.getMonth(), 1));
  };
  const days = monthGrid(view.getFullYear(), view.getMonth(), weekStart);
  return h('div', { className: cx('kb-cal', className), style },
    h('div', { className: 'kb-cal-head' },
      h('button', { type: 'button', className: 'btn btn-ghost btn-icon btn-sm', 'aria-label': 'Previous month', onClick: () => setView(new Date(view.getFullYear(), view.getMonth() - 1, 1)) }, '‹'),
      h('span', { 'aria-live': 'polite', className: 'capitalize' }, fmtMonth(view, locale)),
      h('button', { type: 'button', className: 'btn btn-ghost btn-icon btn-sm', 'aria-label': 'Next month', onClick: () => setView(new Date(view.getFullYear(), view.getMonth() + 1, 1)) }, '›')),
    h('div', { className: 'kb-cal-grid', role: 'grid' },
      dowNames(locale, weekStart).map((n, i) => h('div', { key: 'dow' + i, className: 'kb-cal-dow' }, n)),
      days.map((d) => {
        const iso = toISODate(d);
        const evs = byDay[iso] || [];
        return h('button', { key: iso, type: 'button', role: 'gridcell', 'aria-selected': isSel(iso), title: evs.map((e) => e.title).filter(Boolean).join(', ') || undefined,
          disabled: (minD && iso < minD) || (maxD && iso > maxD) || undefined,
          className: cx('kb-cal-day', d.getMonth() !== view.getMonth() && 'outside', iso === today && 'today', isSel(iso) && 'selected', inRange(iso) && 'in-range'),
          onClick: () => click(d) }, d.getDate(),
        evs.length ? h('span', { className: 'kb-cal-dots' }, evs.slice(0, 3).map((e, i) => h('span', { key: i, className: 'kb-cal-dot', style: e.color ? { background: e.color } : undefined }))) : null);
      })));
}

function defaultPresets() {
  const t = new Date();
  const d = (n) => toISODate(addDays(t, n));
  return [
    { label: 'Today', range: { start: d(0), end: d(0) } },
    { label: 'Last 7 days', range: { start: d(-6), end: d(0) } },
    { label: 'Last 30 days', range: { start: d(-29), end: d(0) } },
    { label: 'This month', range: { start: toISODate(new Date(t.getFullYear(), t.getMonth(), 1)), end: toISODate(new Date(t.getFullYear(), t.getMonth() + 1, 0)) } },
  ];
}
export function DateRangePicker({ value, defaultValue = { start: null, end: null }, onChange, presets, locale, label, error, helpText,
  placeholder = 'Select dates', weekStart = 1, min, max, className, style }) {
  const [range, setRange] = useControlled(value, defaultValue, onChange);
  const [open, setOpen] = useState(false);
  const wrap = useRef(null);
  useOutside(wrap, open, () => setOpen(false));
  const fmt = (iso) => { const d = parseISODate(iso); if (!d) return ''; try { return d.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' }); } catch (e) { return iso; } };
  const text = range && range.start ? fmt(range.start) + ' – ' + (range.end ? fmt(range.end) : '…') : '';
  const list = presets === false ? [] : presets || defaultPresets();
  return h(Field, { label, error, helpText, className, style },
    h('div', { className: 'kb-daterange', ref: wrap },
      h('button', { type: 'button', className: cx('input', 'text-left', error && 'input-error'), 'aria-haspopup': 'dialog', 'aria-expanded': open, onClick: () => setOpen(!open) },
        text || h('span', { className: 'text-muted' }, placeholder)),
      open ? h('div', { className: 'kb-daterange-pop', role: 'dialog' },
        list.length ? h('div', { className: 'kb-daterange-presets' }, list.map((p) => h('button', { key: p.label, type: 'button', className: 'kb-option',
          onClick: () => { setRange(p.range); setOpen(false); } }, p.label))) : null,
        h(Calendar, { mode: 'range', value: range || { start: null, end: null }, locale, weekStart, min, max,
          onChange: (r) => { setRange(r); if (r.start && r.end) setOpen(false); }, style: { border: 0, padding: 0 } })) : null));
}

export function FileUpload({ accept, multiple = false, maxSize, maxFiles, onFiles, onError, compact = false, label, description, disabled, showList = true, className, style }) {
  const input = useRef(null);
  const [dragging, setDragging] = useState(false);
  const [files, setFiles] = useState([]);
  const accepts = (f) => {
    if (!accept) return true;
    return String(accept).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean).some((rule) => {
      if (rule.startsWith('.')) return f.name.toLowerCase().endsWith(rule);
      if (rule.endsWith('/*')) return (f.type || '').toLowerCase().startsWith(rule.slice(0, -1));
      return (f.type || '').toLowerCase() === rule;
    });
  };
  const take = (list) => {
    let arr = Array.from(list || []);
    const problems = [];
    if (!multiple && arr.length > 1) arr = arr.slice(0, 1);
    if (maxFiles !== undefined && arr.length > maxFiles) { problems.push(`At most ${maxFiles} file(s)`); arr = arr.slice(0, maxFiles); }
    arr = arr.filter((f) => {
      if (!accepts(f)) { problems.push(`${f.name}: file type not accepted`); return false; }
      if (maxSize !== undefined && f.size > maxSize) { problems.push(`${f.name}: larger than ${formatBytes(maxSize)}`); return false; }
      return true;
    });
    if (problems.length && onError) onError(problems.join('\n'));
    if (arr.length) { setFiles(arr); if (onFiles) onFiles(arr); }
  };
  return h('div', { className: cx('kb-field', className), style },
    label ? h('span', { className: 'label' }, label) : null,
    h('div', { className: cx('kb-upload', compact && 'compact', dragging && 'dragging'), role: 'button', tabIndex: disabled ? -1 : 0, 'aria-disabled': disabled || undefined,
      onClick: () => !disabled && input.current && input.current.click(),
      onKeyDown: (e) => { if (!disabled && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); input.current && input.current.click(); } },
      onDragOver: (e) => { e.preventDefault(); if (!disabled) setDragging(true); },
      onDragLeave: () => setDragging(false),
      onDrop: (e) => { e.preventDefault(); setDragging(false); if (!disabled) take(e.dataTransfer && e.dataTransfer.files); } },
    h('span', { className: 'kb-upload-icon', 'aria-hidden': true }, '⇪'),
    h('span', { className: 'text-sm' }, h('strong', { className: 'text-foreground' }, 'Click to upload'), ' or drag and drop'),
    !compact && (description || accept || maxSize) ? h('span', { className: 'text-xs' }, description || [accept, maxSize ? 'max ' + formatBytes(maxSize) : null].filter(Boolean).join(' · ')) : null,
    h('input', { ref: input, type: 'file', accept, multiple, hidden: true, onChange: (e) => { take(e.target.files); e.target.value = ''; } })),
    showList && files.length ? h('ul', { className: 'kb-upload-files' }, files.map((f, i) => h('li', { key: f.name + i }, '📄 ', f.name, ' ', h('span', { className: 'text-muted' }, '(' + formatBytes(f.size) + ')')))) : null);
}
export function formatBytes(n) {
  if (!n && n !== 0) return '';
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return (i ? v.toFixed(v < 10 ? 1 : 0) : v) + ' ' + u[i];
}

// ============================================================================================ form
const FormCtx = createContext(null);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
function checkRule(rule, value, values) {
  const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) || value === false;
  if (typeof rule === 'function') return rule(value, values) || null;
  if (rule === 'required') return empty ? 'This field is required' : null;
  if (rule === 'email') return !empty && !EMAIL.test(String(value)) ? 'Enter a valid email address' : null;
  if (!rule || typeof rule !== 'object') return null;
  const { type, value: arg, message } = rule;
  const len = value == null ? 0 : String(value).length;
  switch (type) {
    case 'required': return empty ? message || 'This field is required' : null;
    case 'email': return !empty && !EMAIL.test(String(value)) ? message || 'Enter a valid email address' : null;
    case 'minLength': return !empty && len < arg ? message || `At least ${arg} characters` : null;
    case 'maxLength': return len > arg ? message || `At most ${arg} characters` : null;
    case 'min': return !empty && Number(value) < arg ? message || `Must be at least ${arg}` : null;
    case 'max': return !empty && Number(value) > arg ? message || `Must be at most ${arg}` : null;
    case 'pattern': return !empty && !(arg instanceof RegExp ? arg : new RegExp(arg)).test(String(value)) ? message || 'Invalid format' : null;
    case 'match': return value !== values[arg] ? message || 'Values do not match' : null;
    case 'custom': return typeof arg === 'function' ? arg(value, values) || null : null;
    default: return null;
  }
}
export function validateField(rules, value, values) {
  const list = rules === undefined ? [] : Array.isArray(rules) ? rules : [rules];
  for (const r of list) { const e = checkRule(r, value, values || {}); if (e) return e; }
  return null;
}

export function Form({ onSubmit, initialValues = {}, validateOnChange = false, validateOnBlur = true, className, style, children, ...rest }) {
  const [values, setValuesState] = useState(initialValues);
  const [errors, setErrors] = useState({});
  const [touched, setTouched] = useState({});
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState(null);
  const rules = useRef({});
  const valuesRef = useRef(values);
  valuesRef.current = values;
  const initial = useRef(initialValues);
  const validateOne = (name, vals) => validateField(rules.current[name], vals[name], vals);
  const validateAll = (vals) => {
    const errs = {};
    Object.keys(rules.current).forEach((n) => { const e = validateOne(n, vals); if (e) errs[n] = e; });
    return errs;
  };
  const setValue = (name, v) => {
    const next = { ...valuesRef.current, [name]: v };
    valuesRef.current = next;
    setValuesState(next);
    if (validateOnChange || errors[name]) setErrors((e) => ({ ...e, [name]: validateOne(name, next) || undefined }));
  };
  const blur = (name) => {
    setTouched((t) => ({ ...t, [name]: true }));
    if (validateOnBlur) setErrors((e) => ({ ...e, [name]: validateOne(name, valuesRef.current) || undefined }));
  };
  const reset = () => { valuesRef.current = initial.current; setValuesState(initial.current); setErrors({}); setTouched({}); setSubmitError(null); };
  const submit = async (e) => {
    if (e && e.preventDefault) e.preventDefault();
    const vals = valuesRef.current;
    const errs = validateAll(vals);
    setErrors(errs);
    const t = {};
    Object.keys(rules.current).forEach((n) => { t[n] = true; });
    setTouched(t);
    if (Object.keys(errs).length) return;
    if (!onSubmit) return;
    setSubmitting(true);
    setSubmitError(null);
    try { await onSubmit(vals, { reset, setErrors }); } catch (err) { setSubmitError(err && err.message ? err.message : String(err)); } finally { setSubmitting(false); }
  };
  const ctx = { values, errors, touched, submitting, setValue, blur, reset, register: (name, r) => { rules.current[name] = r; } };
  const body = typeof children === 'function' ? children({ values, errors, touched, submitting, reset, setValue }) : children;
  return h(FormCtx.Provider, { value: ctx },
    h('form', { ...rest, className: cx('kb-form', 'flex flex-col gap-4', className), style, noValidate: true, onSubmit: submit, onReset: (e) => { e.preventDefault(); reset(); } },
      body, submitError ? h(Alert, { variant: 'error' }, submitError) : null));
}
function useFormCtx(name) {
  const c = useContext(FormCtx);
  if (!c) throw new Error(`<${name}> must be used inside <Form>`);
  return c;
}
Form.Field = function FormField({ name, label, rules, helpText, type = 'text', as, options, placeholder, children, className, style, ...rest }) {
  const f = useFormCtx('Form.Field');
  f.register(name, rules);
  const value = f.values[name];
  const error = f.touched[name] || f.errors[name] ? f.errors[name] : undefined;
  const required = rules === 'required' || (Array.isArray(rules) && rules.includes('required')) || (rules && rules.type === 'required');
  const onChange = (v) => f.setValue(name, v && v.target ? (v.target.type === 'checkbox' ? v.target.checked : v.target.value) : v);
  const onBlur = () => f.blur(name);
  if (typeof children === 'function') {
    return h(Field, { label, error, helpText, required, className, style }, children({ value, onChange, onBlur, error, name }));
  }
  const kind = as || type;
  const common = { ...rest, name, label, error, helpText, required, className, style, placeholder, onBlur };
  if (kind === 'textarea') return h(Textarea, { ...common, value: value == null ? '' : value, onChange });
  if (kind === 'select') return h(Select, { ...common, options, value: value == null ? '' : value, onChange });
  if (kind === 'checkbox') return h(Field, { error, helpText, className, style }, h(Checkbox, { ...rest, name, label, checked: !!value, onChange, onBlur }));
  if (kind === 'switch') return h(Field, { error, helpText, className, style }, h(Switch, { label, checked: !!value, onChange: (v) => { onChange(v); onBlur(); } }));
  if (kind === 'radio') return h(RadioGroup, { name, label, options, value, error, className, style, onChange: (v) => { onChange(v); onBlur(); } });
  if (kind === 'number') return h(NumberInput, { label, error, helpText, className, style, placeholder, value: value === undefined ? null : value, onChange: (v) => onChange(v), ...rest });
  return h(Input, { ...common, type: kind, value: value == null ? '' : value, onChange });
};
Form.Actions = function FormActions({ align = 'end', className, style, children }) {
  return h('div', { className: cx('flex gap-2 flex-wrap', className), style: { justifyContent: JUSTIFY[align] || align, ...style } }, children);
};
Form.Submit = function FormSubmit({ loadingText, children = 'Submit', ...rest }) {
  const f = useFormCtx('Form.Submit');
  return h(Button, { ...rest, type: 'submit', loading: f.submitting && !loadingText, disabled: rest.disabled || f.submitting },
    f.submitting && loadingText ? loadingText : children);
};
Form.Reset = function FormReset({ children = 'Reset', variant = 'ghost', ...rest }) {
  const f = useFormCtx('Form.Reset');
  return h(Button, { ...rest, variant, type: 'button', onClick: () => f.reset() }, children);
};

// ============================================================================================ data display
export function Badge({ variant = 'default', className, children, ...rest }) {
  return h('span', { ...rest, className: cx('badge', variant !== 'default' && 'badge-' + variant, className) }, children);
}

export function Tag({ onRemove, color, className, style, children, ...rest }) {
  return h('span', { ...rest, className: cx('kb-tag', className), style: color ? { background: color, color: 'white', ...style } : style }, children,
    onRemove ? h('button', { type: 'button', className: 'kb-tag-remove', 'aria-label': 'Remove', onClick: (e) => { e.stopPropagation(); onRemove(e); } }, '×') : null);
}

export function Stat({ value, label, trend, trendUp, icon, description, className, style }) {
  const up = trendUp !== undefined ? trendUp : typeof trend === 'number' ? trend >= 0 : typeof trend === 'string' ? !trend.trim().startsWith('-') : undefined;
  const trendText = typeof trend === 'number' ? (trend > 0 ? '+' : '') + trend + '%' : trend;
  return h('div', { className: cx('kb-stat', className), style },
    h('div', { className: 'flex items-center justify-between gap-2' }, h('span', { className: 'kb-stat-label' }, label), icon ? h('span', { 'aria-hidden': true }, icon) : null),
    h('div', { className: 'kb-stat-value' }, value),
    (trend !== undefined && trend !== null) || description ? h('div', { className: 'flex items-center gap-2' },
      trend !== undefined && trend !== null ? h('span', { className: cx('kb-stat-trend', up ? 'up' : 'down') }, up ? '▲ ' : '▼ ', trendText) : null,
      description ? h('span', { className: 'text-xs text-muted' }, description) : null) : null);
}

const initialsOf = (name) => String(name || '').trim().split(/\s+/).slice(0, 2).map((p) => p.charAt(0).toUpperCase()).join('') || '?';
export function Avatar({ src, alt, name, initials, size = 36, className, style }) {
  const [broken, setBroken] = useState(false);
  const named = typeof size === 'string' && ['sm', 'lg', 'xl'].includes(size);
  const dim = named ? undefined : { width: px(size), height: px(size), fontSize: typeof size === 'number' ? Math.max(10, size * 0.38) + 'px' : undefined };
  return h('span', { className: cx('avatar', named && 'avatar-' + size, className), style: { ...dim, ...style }, title: alt || name },
    src && !broken ? h('img', { src, alt: alt || name || '', onError: () => setBroken(true) }) : (initials || initialsOf(alt || name)));
}
export function AvatarGroup({ avatars = [], max = 4, size = 32, className, style }) {
  const shown = avatars.slice(0, max);
  const extra = avatars.length - shown.length;
  return h('div', { className: cx('kb-avatar-group', className), style },
    shown.map((a, i) => h(Avatar, { key: i, src: a.src, name: a.name, alt: a.alt || a.name, initials: a.initials, size })),
    extra > 0 ? h(Avatar, { size, initials: '+' + extra }) : null);
}

export function Tooltip({ text, content, position = 'top', className, style, children }) {
  const tid = useStableId();
  const label = content !== undefined ? content : text;
  return h('span', { className: cx('kb-tooltip-wrap', className), style, 'aria-describedby': tid },
    children, label ? h('span', { role: 'tooltip', id: tid, className: cx('kb-tooltip', position) }, label) : null);
}

export function ProgressBar({ value = 0, max = 100, color, height, showLabel = false, label, size, className, style }) {
  const pct = max > 0 ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  return h('div', { className, style },
    showLabel || label ? h('div', { className: 'kb-progress-label' }, h('span', null, label || ''), showLabel ? h('span', null, Math.round(pct) + '%') : null) : null,
    h('div', { className: cx('progress', size && 'progress-' + size), style: height !== undefined ? { height: px(height) } : undefined,
      role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': max, 'aria-valuenow': value },
    h('div', { className: 'progress-bar', style: { width: pct + '%', background: color } })));
}

const cellValue = (row, key) => (key == null ? undefined : String(key).split('.').reduce((o, k) => (o == null ? o : o[k]), row));
const rowKeyOf = (row, i, rowKey) => (typeof rowKey === 'function' ? rowKey(row, i) : rowKey ? row[rowKey] : row && row.id !== undefined ? row.id : i);
function renderCell(col, row, i) {
  const v = cellValue(row, col.key);
  if (col.render) return col.render(v, row, i);
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '✓' : '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function Table({ columns = [], data = [], onRowClick, striped, compact, stickyHeader, maxHeight, emptyText = 'No data', rowKey, className, style }) {
  return h('div', { className: cx('kb-table-wrap', stickyHeader && 'sticky', className), style: { maxHeight: px(maxHeight), ...style } },
    h('table', { className: cx('table', striped && 'table-striped', compact && 'table-compact') },
      h('thead', null, h('tr', null, columns.map((c) => h('th', { key: c.key || c.label, style: { textAlign: c.align, width: px(c.width) } }, c.label)))),
      h('tbody', null, data.length === 0
        ? h('tr', null, h('td', { colSpan: columns.length || 1, className: 'text-center text-muted', style: { padding: '1.5rem' } }, emptyText))
        : data.map((row, i) => h('tr', { key: rowKeyOf(row, i, rowKey), className: onRowClick ? 'clickable' : undefined, onClick: onRowClick ? () => onRowClick(row, i) : undefined },
          columns.map((c) => h('td', { key: c.key || c.label, style: { textAlign: c.align } }, renderCell(c, row, i))))))));
}

function compareValues(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}
export function DataGrid({ columns = [], data = [], pageSize: pageSizeProp = 10, pageSizeOptions = [10, 25, 50, 100], sortable = true, filterable = false,
  selectable = false, onSelectionChange, searchable = true, searchPlaceholder = 'Search…', striped, compact, stickyHeader = true, maxHeight,
  emptyText = 'No results', onRowClick, rowKey, toolbar, className, style }) {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState(null);
  const [filters, setFilters] = useState({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(pageSizeProp || 0);
  const [selected, setSelected] = useState(() => new Set());
  const keyed = useMemo(() => data.map((row, i) => ({ row, key: rowKeyOf(row, i, rowKey) })), [data, rowKey]);
  const colSortable = (c) => (c.sortable !== undefined ? c.sortable : sortable);
  const colFilterable = (c) => (c.filterable !== undefined ? c.filterable : filterable);
  const rows = useMemo(() => {
    const q = query.trim().toLowerCase();
    let r = keyed;
    if (q) r = r.filter(({ row }) => columns.some((c) => String(cellValue(row, c.key) ?? '').toLowerCase().includes(q)));
    Object.keys(filters).forEach((k) => {
      const f = String(filters[k] || '').trim().toLowerCase();
      if (f) r = r.filter(({ row }) => String(cellValue(row, k) ?? '').toLowerCase().includes(f));
    });
    if (sort) {
      const col = columns.find((c) => c.key === sort.key);
      const cmp = col && col.sortFn ? col.sortFn : (a, b) => compareValues(cellValue(a, sort.key), cellValue(b, sort.key));
      r = r.slice().sort((a, b) => (sort.dir === 'asc' ? 1 : -1) * cmp(a.row, b.row));
    }
    return r;
  }, [keyed, query, filters, sort, columns]);
  const pages = pageSize ? Math.max(1, Math.ceil(rows.length / pageSize)) : 1;
  const cur = Math.min(page, pages);
  const visible = pageSize ? rows.slice((cur - 1) * pageSize, cur * pageSize) : rows;
  const updateSel = (next) => {
    setSelected(next);
    if (onSelectionChange) onSelectionChange(keyed.filter((k) => next.has(k.key)).map((k) => k.row));
  };
  const toggleRow = (key) => { const next = new Set(selected); if (next.has(key)) next.delete(key); else next.add(key); updateSel(next); };
  const allVisible = visible.length > 0 && visible.every((r) => selected.has(r.key));
  const toggleAll = () => { const next = new Set(selected); visible.forEach((r) => (allVisible ? next.delete(r.key) : next.add(r.key))); updateSel(next); };
  const clickSort = (c) => {
    if (!colSortable(c)) return;
    setSort((s) => (!s || s.key !== c.key ? { key: c.key, dir: 'asc' } : s.dir === 'asc' ? { key: c.key, dir: 'desc' } : null));
  };
  const anyFilter = columns.some(colFilterable);
  return h('div', { className: cx('kb-datagrid', className), style },
    searchable || toolbar ? h('div', { className: 'kb-datagrid-toolbar' },
      searchable ? h('input', { className: 'input', style: { maxWidth: '18rem' }, type: 'search', placeholder: searchPlaceholder, value: query, 'aria-label': 'Search',
        onChange: (e) => { setQuery(e.target.value); setPage(1); } }) : null,
      selectable && selected.size ? h('span', { className: 'text-sm text-muted' }, selected.size + ' selected') : null,
      toolbar ? h('div', { className: 'ml-auto flex gap-2' }, toolbar) : null) : null,
    h('div', { className: cx('kb-table-wrap', stickyHeader && 'sticky'), style: { maxHeight: px(maxHeight) } },
      h('table', { className: cx('table', striped && 'table-striped', compact && 'table-compact') },
        h('thead', null, h('tr', null,
          selectable ? h('th', { style: { width: '2.5rem' } }, h('input', { type: 'checkbox', className: 'checkbox', checked: allVisible, onChange: toggleAll, 'aria-label': 'Select all' })) : null,
          columns.map((c) => h('th', { key: c.key, className: colSortable(c) ? 'sortable' : undefined, style: { textAlign: c.align, width: px(c.width) },
            onClick: () => clickSort(c), 'aria-sort': sort && sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined },
          h('span', null, c.label, sort && sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''),
          anyFilter && colFilterable(c) ? h('input', { className: 'input kb-filter', placeholder: 'Filter', value: filters[c.key] || '', 'aria-label': 'Filter ' + c.label,
            onClick: (e) => e.stopPropagation(),
            onChange: (e) => { setFilters({ ...filters, [c.key]: e.target.value }); setPage(1); } }) : null)))),
        h('tbody', null, visible.length === 0
          ? h('tr', null, h('td', { colSpan: columns.length + (selectable ? 1 : 0), className: 'text-center text-muted', style: { padding: '1.5rem' } }, emptyText))
          : visible.map(({ row, key }, i) => h('tr', { key, className: cx(onRowClick && 'clickable', selected.has(key) && 'selected'), onClick: onRowClick ? () => onRowClick(row) : undefined },
            selectable ? h('td', { onClick: (e) => e.stopPropagation() }, h('input', { type: 'checkbox', className: 'checkbox', checked: selected.has(key), onChange: () => toggleRow(key), 'aria-label': 'Select row' })) : null,
            columns.map((c) => h('td', { key: c.key, style: { textAlign: c.align } }, renderCell(c, row, i)))))))),
    pageSize ? h('div', { className: 'kb-datagrid-footer' },
      h('span', null, rows.length ? `${(cur - 1) * pageSize + 1}–${Math.min(cur * pageSize, rows.length)} of ${rows.length}` : '0 rows'),
      h('div', { className: 'flex items-center gap-2' },
        pageSizeOptions && pageSizeOptions.length > 1 ? h('select', { className: 'select', style: { width: 'auto', minHeight: '1.9rem', paddingTop: 0, paddingBottom: 0 }, value: pageSize, 'aria-label': 'Rows per page',
          onChange: (e) => { setPageSize(Number(e.target.value)); setPage(1); } }, pageSizeOptions.map((n) => h('option', { key: n, value: n }, n + ' / page'))) : null,
        pages > 1 ? h(Pagination, { page: cur, totalPages: pages, onChange: setPage, siblings: 0 }) : null)) : null);
}

export function List({ items = [], divided = true, onItemClick, emptyText, className, style }) {
  if (!items.length && emptyText) return h('div', { className: cx('text-sm text-muted p-4 text-center', className), style }, emptyText);
  return h('ul', { className: cx('kb-list', divided && 'divided', className), style },
    items.map((it, i) => {
      const click = it.onClick || (onItemClick ? () => onItemClick(it, i) : null);
      return h('li', { key: it.id !== undefined ? it.id : i, className: cx('kb-list-item', click && 'clickable'), onClick: click || undefined,
        role: click ? 'button' : undefined, tabIndex: click ? 0 : undefined, onKeyDown: click ? (e) => { if (e.key === 'Enter') click(e); } : undefined },
      it.icon ? h('span', { 'aria-hidden': true, className: 'shrink-0' }, it.icon) : null,
      h('div', { className: 'kb-list-text' }, h('div', { className: 'kb-list-primary' }, it.primary), it.secondary ? h('div', { className: 'kb-list-secondary' }, it.secondary) : null),
      it.action ? h('div', { className: 'shrink-0', onClick: (e) => e.stopPropagation() }, it.action) : null);
    }));
}

export function CodeBlock({ code = '', language, title, showCopy = true, showLineNumbers = false, maxHeight, className, style }) {
  const [copied, setCopied] = useState(false);
  const text = String(code).replace(/\n$/, '');
  const copy = () => copyText(text).then((ok) => { if (ok) { setCopied(true); setTimeout(() => setCopied(false), 1500); } });
  return h('div', { className: cx('kb-code', className), style },
    (title || language || showCopy) ? h('div', { className: 'kb-code-head' }, h('span', null, title || language || ''),
      showCopy ? h('button', { type: 'button', className: 'btn', onClick: copy }, copied ? 'Copied' : 'Copy') : null) : null,
    h('pre', { style: { maxHeight: px(maxHeight) } }, h('code', { 'data-lang': language },
      showLineNumbers ? text.split('\n').map((l, i) => h(Frag, { key: i }, h('span', { className: 'ln' }, i + 1), l, '\n')) : text)));
}

export function Timeline({ items = [], className, style }) {
  return h('ol', { className: cx('kb-timeline', className), style },
    items.map((it, i) => h('li', { key: it.id !== undefined ? it.id : i, className: 'kb-timeline-item' },
      h('span', { className: 'kb-timeline-dot', style: it.color ? { background: it.color } : undefined, 'aria-hidden': true }, it.icon || null),
      h('div', { className: 'flex items-baseline justify-between gap-2' }, h('span', { className: 'kb-timeline-title' }, it.title), it.time ? h('span', { className: 'kb-timeline-time' }, it.time) : null),
      it.description ? h('div', { className: 'kb-timeline-desc' }, it.description) : null)));
}

export function Accordion({ items = [], multiple = false, defaultOpen, className, style }) {
  const init = defaultOpen === undefined ? [] : Array.isArray(defaultOpen) ? defaultOpen : [defaultOpen];
  const [open, setOpen] = useState(init);
  const toggle = (id) => setOpen((o) => (o.includes(id) ? o.filter((x) => x !== id) : multiple ? o.concat([id]) : [id]));
  return h('div', { className: cx('kb-accordion', className), style },
    items.map((it, i) => {
      const id = it.id !== undefined ? it.id : i;
      const isOpen = open.includes(id);
      return h('div', { key: id, className: 'kb-accordion-item' },
        h('button', { type: 'button', className: 'kb-accordion-trigger', 'aria-expanded': isOpen, onClick: () => toggle(id) },
          h('span', null, it.title), h('span', { className: cx('kb-chevron', isOpen && 'open'), 'aria-hidden': true }, '›')),
        isOpen ? h('div', { className: 'kb-accordion-content' }, it.content) : null);
    }));
}

// ============================================================================================ feedback and overlays
const ALERT_ICON = { info: 'ℹ', success: '✓', warning: '⚠', error: '✕', destructive: '✕' };
export function Alert({ variant = 'info', title, icon, dismissible = false, onDismiss, className, style, children }) {
  const [hidden, setHidden] = useState(false);
  if (hidden) return null;
  const v = variant === 'danger' ? 'destructive' : variant;
  return h('div', { role: v === 'error' || v === 'destructive' ? 'alert' : 'status', className: cx('alert', 'alert-' + v, className), style },
    icon === false ? null : h('span', { className: 'alert-icon', 'aria-hidden': true }, icon || ALERT_ICON[v] || 'ℹ'),
    h('div', { className: 'alert-body' }, title ? h('div', { className: 'alert-title' }, title) : null, children ? h('div', { className: 'alert-description' }, children) : null),
    dismissible ? h('button', { type: 'button', className: 'alert-close', 'aria-label': 'Dismiss', onClick: () => { setHidden(true); if (onDismiss) onDismiss(); } }, '×') : null);
}

export function Spinner({ size = 'md', color, label = 'Loading', className, style }) {
  const named = typeof size === 'string' && ['sm', 'md', 'lg'].includes(size);
  const dim = named ? undefined : { width: px(size), height: px(size) };
  return h('span', { role: 'status', 'aria-label': label, className: cx('spinner', named && size !== 'md' && 'spinner-' + size, className), style: { color, ...dim, ...style } });
}

export function Skeleton({ width = '100%', height = '1rem', rounded, circle, count = 1, className, style }) {
  const one = (i) => h('span', { key: i, className: cx('skeleton', className), 'aria-hidden': true, style: {
    width: px(circle ? (height !== '1rem' ? height : width) : width), height: px(circle ? (height !== '1rem' ? height : width) : height),
    borderRadius: circle ? '50%' : rounded === true ? 'var(--radius-full)' : typeof rounded === 'string' ? rounded : undefined,
    marginTop: i ? '0.5rem' : undefined, ...style } });
  return count > 1 ? h(Frag, null, Array.from({ length: count }, (_, i) => one(i))) : one(0);
}

export function EmptyState({ icon = '📭', title, description, action, className, style }) {
  return h('div', { className: cx('kb-empty', className), style },
    icon ? h('div', { className: 'kb-empty-icon', 'aria-hidden': true }, icon) : null,
    title ? h('div', { className: 'kb-empty-title' }, title) : null,
    description ? h('div', { className: 'kb-empty-desc' }, description) : null,
    action ? h('div', { className: 'kb-empty-action' }, action) : null);
}

function useEscape(active, onClose) {
  const cb = useRef(onClose);
  cb.current = onClose;
  useEffect(() => {
    if (!active) return undefined;
    const key = (e) => { if (e.key === 'Escape' && cb.current) cb.current(); };
    document.addEventListener('keydown', key);
    return () => document.removeEventListener('keydown', key);
  }, [active]);
}
export function Modal({ open, onClose, title, size = 'md', footer, closeOnOverlay = true, showClose = true, className, style, children }) {
  useEscape(open, onClose);
  const tid = useStableId();
  if (!open) return null;
  return h('div', { className: 'kb-overlay', onMouseDown: (e) => { if (closeOnOverlay && e.target === e.currentTarget && onClose) onClose(); } },
    h('div', { role: 'dialog', 'aria-modal': true, 'aria-labelledby': title ? tid : undefined, className: cx('kb-modal', 'kb-modal-' + size, className), style },
      (title || showClose) ? h('div', { className: 'kb-modal-header' }, h('h2', { id: tid, className: 'kb-modal-title' }, title || ''),
        showClose && onClose ? h('button', { type: 'button', className: 'kb-close', 'aria-label': 'Close', onClick: onClose }, '×') : null) : null,
      h('div', { className: 'kb-modal-body' }, children),
      footer ? h('div', { className: 'kb-modal-footer' }, footer) : null));
}

export function Drawer({ open, onClose, title, side = 'right', width = 360, height = 320, footer, closeOnOverlay = true, className, style, children }) {
  useEscape(open, onClose);
  if (!open) return null;
  const horizontal = side === 'left' || side === 'right';
  return h('div', { className: cx('kb-overlay', 'drawer', side), onMouseDown: (e) => { if (closeOnOverlay && e.target === e.currentTarget && onClose) onClose(); } },
    h('aside', { role: 'dialog', 'aria-modal': true, className: cx('kb-drawer', side, className), style: { width: horizontal ? px(width) : undefined, height: horizontal ? undefined : px(height), ...style } },
      h('div', { className: 'kb-modal-header' }, h('h2', { className: 'kb-modal-title' }, title || ''),
        onClose ? h('button', { type: 'button', className: 'kb-close', 'aria-label': 'Close', onClick: onClose }, '×') : null),
      h('div', { className: 'kb-modal-body' }, children),
      footer ? h('div', { className: 'kb-modal-footer' }, footer) : null));
}

export function Popover({ trigger, content, placement = 'bottom', open: openProp, onOpenChange, className, style, children }) {
  const [open, setOpen] = useControlled(openProp, false, onOpenChange);
  const wrap = useRef(null);
  useOutside(wrap, open, () => setOpen(false));
  return h('span', { className: 'kb-popover-wrap', ref: wrap },
    h('span', { onClick: () => setOpen(!open), 'aria-expanded': !!open, 'aria-haspopup': 'dialog' }, trigger),
    open ? h('div', { role: 'dialog', className: cx('kb-popover', placement, className), style }, content !== undefined ? content : children) : null);
}

export function DropdownMenu({ trigger, items = [], align = 'start', className, style }) {
  const [open, setOpen] = useState(false);
  const wrap = useRef(null);
  useOutside(wrap, open, () => setOpen(false));
  return h('span', { className: cx('kb-dropdown', className), style, ref: wrap },
    h('span', { onClick: () => setOpen(!open), 'aria-haspopup': 'menu', 'aria-expanded': open }, trigger || h(Button, { variant: 'ghost', size: 'icon', 'aria-label': 'Menu' }, '⋯')),
    open ? h('div', { role: 'menu', className: cx('kb-menu', align === 'end' && 'align-end') },
      items.map((it, i) => (it.divider || it.type === 'divider')
        ? h('div', { key: 'd' + i, className: 'kb-menu-divider', role: 'separator' })
        : h('button', { key: it.key || it.label || i, type: 'button', role: 'menuitem', disabled: it.disabled, className: cx('kb-menu-item', it.danger && 'danger'),
          onClick: () => { setOpen(false); if (it.onClick) it.onClick(); } },
        it.icon ? h('span', { 'aria-hidden': true }, it.icon) : null, h('span', { className: 'flex-1' }, it.label),
        it.shortcut ? h('span', { className: 'kbd' }, it.shortcut) : null))) : null);
}

// ============================================================================================ navigation
export function Tabs({ tabs = [], active, defaultActive, onChange, variant = 'underline', className, style, children }) {
  const first = tabs.find((t) => !t.disabled);
  const [cur, setCur] = useControlled(active, defaultActive !== undefined ? defaultActive : first ? first.id : undefined, onChange);
  const move = (e, dir) => {
    const enabled = tabs.filter((t) => !t.disabled);
    const i = enabled.findIndex((t) => t.id === cur);
    const next = enabled[(i + dir + enabled.length) % enabled.length];
    if (next) { e.preventDefault(); setCur(next.id); }
  };
  const panel = typeof children === 'function' ? children(cur) : children;
  return h('div', { className: cx('kb-tabs', variant === 'pills' && 'kb-tabs-pills', className), style },
    h('div', { className: 'kb-tabs-list', role: 'tablist' },
      tabs.map((t) => h('button', { key: t.id, type: 'button', role: 'tab', 'aria-selected': t.id === cur, disabled: t.disabled, tabIndex: t.id === cur ? 0 : -1,
        className: cx('kb-tab', t.id === cur && 'active'), onClick: () => setCur(t.id),
        onKeyDown: (e) => { if (e.key === 'ArrowRight') move(e, 1); else if (e.key === 'ArrowLeft') move(e, -1); } },
      t.icon ? h('span', { 'aria-hidden': true }, t.icon) : null, t.label,
      t.badge !== undefined && t.badge !== null ? h(Badge, { variant: t.id === cur ? 'primary' : 'default' }, t.badge) : null))),
    panel !== undefined && panel !== null ? h('div', { role: 'tabpanel', className: 'kb-tabs-panel' }, panel) : null);
}

export function paginationRange(page, totalPages, siblings = 1) {
  const out = [];
  const lo = Math.max(2, page - siblings);
  const hi = Math.min(totalPages - 1, page + siblings);
  out.push(1);
  if (lo > 2) out.push('…');
  for (let p = lo; p <= hi; p++) out.push(p);
  if (hi < totalPages - 1) out.push('…');
  if (totalPages > 1) out.push(totalPages);
  return out;
}
export function Pagination({ page = 1, totalPages = 1, onChange, siblings = 1, showEdges = false, className, style }) {
  if (totalPages <= 1 && !showEdges) return null;
  const go = (p) => { if (p >= 1 && p <= totalPages && p !== page && onChange) onChange(p); };
  return h('nav', { 'aria-label': 'Pagination', className: cx('kb-pagination', className), style },
    showEdges ? h('button', { type: 'button', className: 'btn btn-ghost btn-sm', disabled: page <= 1, onClick: () => go(1), 'aria-label': 'First page' }, '«') : null,
    h('button', { type: 'button', className: 'btn btn-ghost btn-sm', disabled: page <= 1, onClick: () => go(page - 1), 'aria-label': 'Previous page' }, '‹'),
    paginationRange(page, totalPages, siblings).map((p, i) => (p === '…'
      ? h('span', { key: 'g' + i, className: 'kb-pagination-gap' }, '…')
      : h('button', { key: p, type: 'button', className: cx('btn btn-sm', p === page ? 'active' : 'btn-ghost'), 'aria-current': p === page ? 'page' : undefined, onClick: () => go(p) }, p))),
    h('button', { type: 'button', className: 'btn btn-ghost btn-sm', disabled: page >= totalPages, onClick: () => go(page + 1), 'aria-label': 'Next page' }, '›'),
    showEdges ? h('button', { type: 'button', className: 'btn btn-ghost btn-sm', disabled: page >= totalPages, onClick: () => go(totalPages), 'aria-label': 'Last page' }, '»') : null);
}

export function Breadcrumbs({ items = [], separator = '/', className, style }) {
  return h('nav', { 'aria-label': 'Breadcrumb', className, style },
    h('ol', { className: 'kb-breadcrumbs' }, items.map((it, i) => {
      const last = i === items.length - 1;
      const labelEl = last ? h('span', { 'aria-current': 'page' }, it.label)
        : it.href ? h('a', { href: it.href, onClick: it.onClick }, it.label)
          : it.onClick ? h('button', { type: 'button', onClick: it.onClick }, it.label) : h('span', null, it.label);
      return h('li', { key: i, className: 'inline-flex items-center gap-2' }, it.icon ? h('span', { 'aria-hidden': true }, it.icon) : null, labelEl,
        last ? null : h('span', { 'aria-hidden': true }, separator));
    })));
}

export function Stepper({ steps = [], activeStep = 0, onStepClick, variant = 'default', allowClickAhead = false, className, style }) {
  const vertical = variant === 'vertical';
  const nodes = [];
  steps.forEach((s, i) => {
    const done = i < activeStep;
    const active = i === activeStep;
    const clickable = !!onStepClick && (i <= activeStep || allowClickAhead);
    if (i > 0 && !vertical) nodes.push(h('li', { key: 'line' + i, className: cx('kb-step-line', done || active ? 'done' : null), 'aria-hidden': true }));
    nodes.push(h('li', { key: i, className: cx('kb-step', done && 'done', active && 'active', clickable && 'clickable'), 'aria-current': active ? 'step' : undefined,
      onClick: clickable ? () => onStepClick(i) : undefined, style: vertical || variant === 'dots' ? { flex: 'none' } : { flex: '0 1 auto' } },
    h('span', { className: 'kb-step-index' }, done ? '✓' : s.icon || i + 1),
    h('span', { className: 'kb-step-text' }, h('span', { className: 'kb-step-label', style: { display: 'block' } }, s.label, s.optional ? h('span', { className: 'kb-step-desc' }, ' (optional)') : null),
      s.description ? h('span', { className: 'kb-step-desc', style: { display: 'block' } }, s.description) : null)));
  });
  return h('ol', { className: cx('kb-stepper', vertical && 'vertical', variant === 'dots' && 'dots', className), style }, nodes);
}

export function StepperContent({ activeStep = 0, animated = true, className, style, children }) {
  const list = React.Children.toArray(children);
  const child = list[activeStep];
  if (child === undefined) return null;
  return h('div', { key: activeStep, className: cx(animated && 'animate-fade-in-up', className), style }, child);
}

// ============================================================================================ charts (SVG)
function niceMax(v) {
  if (v <= 0) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  const f = v / exp;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * exp;
}
const fmtNum = (v) => (Math.abs(v) >= 1e6 ? (v / 1e6).toFixed(1).replace(/\.0$/, '') + 'M' : Math.abs(v) >= 1e3 ? (v / 1e3).toFixed(1).replace(/\.0$/, '') + 'k' : String(Math.round(v * 100) / 100));
function seriesOf(data, series) {
  if (series && series.length) return series.map((s, i) => (typeof s === 'string' ? { key: s, label: s, color: chartColor(i) } : { ...s, label: s.label || s.key || 'Series ' + (i + 1), color: chartColor(i, s.color) }));
  const first = data[0];
  const n = first && Array.isArray(first.values) ? first.values.length : 1;
  return Array.from({ length: n }, (_, i) => ({ label: n === 1 ? 'Value' : 'Series ' + (i + 1), color: chartColor(i) }));
}
function pointValue(d, s, i) {
  if (s.key !== undefined && d[s.key] !== undefined) return Number(d[s.key]) || 0;
  if (Array.isArray(d.values)) return Number(d.values[i]) || 0;
  return i === 0 ? Number(d.value) || 0 : 0;
}
function Legend({ items }) {
  return h('div', { className: 'kb-chart-legend' }, items.map((s, i) => h('span', { key: i }, h('i', { style: { background: s.color } }), s.label)));
}
function axisTicks(max, n = 4) { return Array.from({ length: n + 1 }, (_, i) => (max / n) * i); }

export function BarChart({ data = [], series, height = 220, stacked = false, horizontal = false, showGrid = true, showValues = false, showLegend,
  formatValue = fmtNum, colors, className, style }) {
  const ser = seriesOf(data, series).map((s, i) => ({ ...s, color: colors && colors[i] ? colors[i] : s.color }));
  const W = 400; const H = height; const padL = horizontal ? 70 : 36; const padB = horizontal ? 18 : 24; const padT = 10; const padR = 10;
  const totals = data.map((d) => (stacked ? ser.reduce((a, s, i) => a + Math.max(0, pointValue(d, s, i)), 0) : Math.max(0, ...ser.map((s, i) => pointValue(d, s, i)))));
  const max = niceMax(Math.max(0, ...totals));
  const ticks = axisTicks(max);
  const innerW = W - padL - padR; const innerH = H - padT - padB;
  const band = (horizontal ? innerH : innerW) / Math.max(1, data.length);
  const barGroup = band * 0.7;
  const bars = [];
  data.forEach((d, di) => {
    let acc = 0;
    ser.forEach((s, si) => {
      const v = Math.max(0, pointValue(d, s, si));
      const len = (v / max) * (horizontal ? innerW : innerH);
      const thick = stacked ? barGroup : barGroup / ser.length;
      const off = di * band + (band - barGroup) / 2 + (stacked ? 0 : si * thick);
      const base = stacked ? (acc / max) * (horizontal ? innerW : innerH) : 0;
      acc += v;
      const rect = horizontal
        ? { x: padL + base, y: padT + off, width: len, height: Math.max(1, thick - 1) }
        : { x: padL + off, y: padT + innerH - base - len, width: Math.max(1, thick - 1), height: len };
      bars.push(h('rect', { key: di + ':' + si, className: 'bar', rx: 3, fill: d.color && ser.length === 1 ? d.color : s.color, ...rect },
        h('title', null, `${d.label} — ${s.label}: ${formatValue(v)}`)));
      if (showValues && !stacked) {
        bars.push(h('text', { key: 'v' + di + ':' + si, x: horizontal ? rect.x + rect.width + 4 : rect.x + rect.width / 2, y: horizontal ? rect.y + rect.height / 2 + 3 : rect.y - 3,
          textAnchor: horizontal ? 'start' : 'middle' }, formatValue(v)));
      }
    });
  });
  const grid = showGrid ? ticks.map((t, i) => {
    const p = (t / max) * (horizontal ? innerW : innerH);
    return horizontal
      ? h('g', { key: 'g' + i }, h('line', { className: 'grid-line', x1: padL + p, x2: padL + p, y1: padT, y2: padT + innerH }), h('text', { x: padL + p, y: H - 4, textAnchor: 'middle' }, formatValue(t)))
      : h('g', { key: 'g' + i }, h('line', { className: 'grid-line', x1: padL, x2: W - padR, y1: padT + innerH - p, y2: padT + innerH - p }), h('text', { x: padL - 6, y: padT + innerH - p + 3, textAnchor: 'end' }, formatValue(t)));
  }) : null;
  const labels = data.map((d, i) => (horizontal
    ? h('text', { key: 'l' + i, x: padL - 6, y: padT + i * band + band / 2 + 3, textAnchor: 'end' }, String(d.label).slice(0, 12))
    : h('text', { key: 'l' + i, x: padL + i * band + band / 2, y: H - 8, textAnchor: 'middle' }, String(d.label).slice(0, 10))));
  const legend = showLegend !== undefined ? showLegend : ser.length > 1;
  return h('div', { className: cx('kb-chart', className), style },
    h('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Bar chart' }, grid, bars, labels),
    legend ? h(Legend, { items: ser }) : null);
}

function smoothPath(pts) {
  if (pts.length < 3) return pts.map((p, i) => (i ? 'L' : 'M') + p[0].toFixed(1) + ' ' + p[1].toFixed(1)).join(' ');
  let d = `M${pts[0][0].toFixed(1)} ${pts[0][1].toFixed(1)}`;
  for (let i = 0; i < pts.length - 1; i++) {
    const p0 = pts[i - 1] || pts[i]; const p1 = pts[i]; const p2 = pts[i + 1]; const p3 = pts[i + 2] || p2;
    const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += ` C${c1[0].toFixed(1)} ${c1[1].toFixed(1)}, ${c2[0].toFixed(1)} ${c2[1].toFixed(1)}, ${p2[0].toFixed(1)} ${p2[1].toFixed(1)}`;
  }
  return d;
}
export function LineChart({ data = [], series, height = 220, showDots = true, showArea = false, curved = true, showGrid = true, showLegend,
  formatValue = fmtNum, colors, className, style }) {
  const ser = seriesOf(data, series).map((s, i) => ({ ...s, color: colors && colors[i] ? colors[i] : s.color }));
  const W = 400; const H = height; const padL = 36; const padR = 10; const padT = 10; const padB = 24;
  const vals = data.flatMap((d) => ser.map((s, i) => pointValue(d, s, i)));
  const minV = Math.min(0, ...vals);
  const max = niceMax(Math.max(0, ...vals) - minV) + minV;
  const innerW = W - padL - padR; const innerH = H - padT - padB;
  const x = (i) => padL + (data.length <= 1 ? innerW / 2 : (i / (data.length - 1)) * innerW);
  const y = (v) => padT + innerH - ((v - minV) / (max - minV || 1)) * innerH;
  const lines = ser.map((s, si) => {
    const pts = data.map((d, i) => [x(i), y(pointValue(d, s, si))]);
    const path = curved ? smoothPath(pts) : pts.map((p, i) => (i ? 'L' : 'M') + p[0].toFixed(1) + ' ' + p[1].toFixed(1)).join(' ');
    return h('g', { key: si },
      showArea && pts.length ? h('path', { d: `${path} L${pts[pts.length - 1][0].toFixed(1)} ${padT + innerH} L${pts[0][0].toFixed(1)} ${padT + innerH} Z`, fill: s.color, opacity: 0.12 }) : null,
      h('path', { d: path, fill: 'none', stroke: s.color, strokeWidth: 2, strokeLinejoin: 'round', strokeLinecap: 'round' }),
      showDots ? pts.map((p, i) => h('circle', { key: i, cx: p[0], cy: p[1], r: 3, fill: 'var(--color-card)', stroke: s.color, strokeWidth: 2 },
        h('title', null, `${data[i].label} — ${s.label}: ${formatValue(pointValue(data[i], s, si))}`))) : null);
  });
  const ticks = axisTicks(max - minV).map((t) => t + minV);
  const step = Math.max(1, Math.ceil(data.length / 8));
  const legend = showLegend !== undefined ? showLegend : ser.length > 1;
  return h('div', { className: cx('kb-chart', className), style },
    h('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Line chart' },
      showGrid ? ticks.map((t, i) => h('g', { key: 'g' + i }, h('line', { className: 'grid-line', x1: padL, x2: W - padR, y1: y(t), y2: y(t) }),
        h('text', { x: padL - 6, y: y(t) + 3, textAnchor: 'end' }, formatValue(t)))) : null,
      lines,
      data.map((d, i) => (i % step === 0 || i === data.length - 1 ? h('text', { key: 'l' + i, x: x(i), y: H - 8, textAnchor: 'middle' }, String(d.label).slice(0, 10)) : null))),
    legend ? h(Legend, { items: ser }) : null);
}

export function PieChart({ data = [], donut = false, showLabels = false, showLegend = true, size = 200, thickness, formatValue = fmtNum, centerLabel, className, style }) {
  const total = data.reduce((a, d) => a + Math.max(0, Number(d.value) || 0), 0);
  const r = 90; const c = 100;
  const inner = donut ? (thickness ? r - thickness : r * 0.6) : 0;
  let angle = -Math.PI / 2;
  const slices = data.map((d, i) => {
    const v = Math.max(0, Number(d.value) || 0);
    const frac = total ? v / total : 0;
    const a0 = angle; const a1 = angle + frac * Math.PI * 2;
    angle = a1;
    const color = chartColor(i, d.color);
    const large = a1 - a0 > Math.PI ? 1 : 0;
    const p = (rad, a) => [c + rad * Math.cos(a), c + rad * Math.sin(a)];
    let path;
    if (frac >= 0.9999) {
      path = donut ? `M${c - r} ${c} a${r} ${r} 0 1 0 ${2 * r} 0 a${r} ${r} 0 1 0 ${-2 * r} 0 M${c - inner} ${c} a${inner} ${inner} 0 1 1 ${2 * inner} 0 a${inner} ${inner} 0 1 1 ${-2 * inner} 0`
        : `M${c - r} ${c} a${r} ${r} 0 1 0 ${2 * r} 0 a${r} ${r} 0 1 0 ${-2 * r} 0`;
    } else {
      const [x0, y0] = p(r, a0); const [x1, y1] = p(r, a1);
      if (donut) {
        const [x2, y2] = p(inner, a1); const [x3, y3] = p(inner, a0);
        path = `M${x0} ${y0} A${r} ${r} 0 ${large} 1 ${x1} ${y1} L${x2} ${y2} A${inner} ${inner} 0 ${large} 0 ${x3} ${y3} Z`;
      } else path = `M${c} ${c} L${x0} ${y0} A${r} ${r} 0 ${large} 1 ${x1} ${y1} Z`;
    }
    const mid = (a0 + a1) / 2;
    const [lx, ly] = p(donut ? (r + inner) / 2 : r * 0.62, mid);
    return { d, i, v, frac, color, path, lx, ly };
  });
  return h('div', { className: cx('kb-chart', className), style: { alignItems: 'center', ...style } },
    h('svg', { viewBox: '0 0 200 200', width: size, height: size, role: 'img', 'aria-label': 'Pie chart', style: { width: px(size), height: px(size) } },
      slices.map((s) => h('path', { key: s.i, className: 'slice', d: s.path, fill: s.color, fillRule: 'evenodd', stroke: 'var(--color-card)', strokeWidth: 1.5 },
        h('title', null, `${s.d.label}: ${formatValue(s.v)} (${Math.round(s.frac * 100)}%)`))),
      showLabels ? slices.filter((s) => s.frac >= 0.06).map((s) => h('text', { key: 't' + s.i, x: s.lx, y: s.ly + 3, textAnchor: 'middle', style: { fill: 'white', fontWeight: 600 } }, Math.round(s.frac * 100) + '%')) : null,
      donut && centerLabel !== undefined ? h('text', { x: c, y: c + 5, textAnchor: 'middle', style: { fontSize: '16px', fontWeight: 700, fill: 'var(--color-foreground)' } }, centerLabel) : null),
    showLegend ? h(Legend, { items: data.map((d, i) => ({ label: `${d.label} (${formatValue(Number(d.value) || 0)})`, color: chartColor(i, d.color) })) }) : null);
}

export function SparkLine({ data = [], width = 100, height = 28, color = 'var(--color-primary)', showArea = true, strokeWidth = 1.5, curved = true, className, style }) {
  const vals = data.map((v) => Number(v) || 0);
  if (!vals.length) return h('svg', { className: cx('kb-sparkline', className), width, height, style });
  const min = Math.min(...vals); const max = Math.max(...vals);
  const pts = vals.map((v, i) => [vals.length === 1 ? width / 2 : (i / (vals.length - 1)) * width, height - 2 - ((v - min) / (max - min || 1)) * (height - 4)]);
  const path = curved ? smoothPath(pts) : pts.map((p, i) => (i ? 'L' : 'M') + p[0].toFixed(1) + ' ' + p[1].toFixed(1)).join(' ');
  return h('svg', { className: cx('kb-sparkline', className), width, height, viewBox: `0 0 ${width} ${height}`, style, role: 'img', 'aria-label': 'Trend' },
    showArea ? h('path', { d: `${path} L${width} ${height} L0 ${height} Z`, fill: color, opacity: 0.15 }) : null,
    h('path', { d: path, fill: 'none', stroke: color, strokeWidth, strokeLinecap: 'round', strokeLinejoin: 'round' }));
}

// ============================================================================================ kanban
const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
export function Kanban({ columns = [], onChange, onCardClick, renderCard, allowAdd = false, allowDelete = false, allowEdit = false, className, style }) {
  const [drag, setDrag] = useState(null);
  const [over, setOver] = useState(null);
  const [adding, setAdding] = useState(null);
  const [draft, setDraft] = useState('');
  const emit = (next) => { if (onChange) onChange(next); };
  const moveCard = (cardId, fromCol, toCol, beforeId) => {
    let card = null;
    const stripped = columns.map((c) => {
      if (c.id !== fromCol) return c;
      return { ...c, cards: (c.cards || []).filter((x) => { if (x.id === cardId) { card = x; return false; } return true; }) };
    });
    if (!card) return;
    emit(stripped.map((c) => {
      if (c.id !== toCol) return c;
      const cards = (c.cards || []).slice();
      const idx = beforeId === undefined || beforeId === null ? cards.length : Math.max(0, cards.findIndex((x) => x.id === beforeId));
      cards.splice(idx < 0 ? cards.length : idx, 0, card);
      return { ...c, cards };
    }));
  };
  const addCard = (colId) => {
    const title = draft.trim();
    setAdding(null); setDraft('');
    if (!title) return;
    emit(columns.map((c) => (c.id === colId ? { ...c, cards: (c.cards || []).concat([{ id: 'card-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 6), title }]) } : c)));
  };
  const deleteCard = (colId, cardId) => emit(columns.map((c) => (c.id === colId ? { ...c, cards: (c.cards || []).filter((x) => x.id !== cardId) } : c)));
  const editCard = async (colId, card) => {
    const kb = typeof window !== 'undefined' ? window.KinBot : null;
    const title = kb ? await kb.prompt('Card title', { defaultValue: card.title }) : (typeof window !== 'undefined' && window.prompt ? window.prompt('Card title', card.title) : null);
    if (title === null || title === undefined || !String(title).trim()) return;
    emit(columns.map((c) => (c.id === colId ? { ...c, cards: (c.cards || []).map((x) => (x.id === card.id ? { ...x, title: String(title).trim() } : x)) } : c)));
  };
  const dropOn = (colId, beforeId) => (e) => {
    e.preventDefault(); e.stopPropagation();
    setOver(null);
    if (drag) moveCard(drag.cardId, drag.colId, colId, beforeId);
    setDrag(null);
  };
  return h('div', { className: cx('kb-kanban', className), style },
    columns.map((col) => h('div', { key: col.id, className: cx('kb-kanban-col', over === col.id && 'over'),
      onDragOver: (e) => { e.preventDefault(); if (over !== col.id) setOver(col.id); },
      onDragLeave: (e) => { if (e.currentTarget === e.target) setOver(null); },
      onDrop: dropOn(col.id, null) },
    h('div', { className: 'kb-kanban-head' }, col.color ? h('span', { className: 'kb-kanban-colordot', style: { background: col.color } }) : null,
      h('span', null, col.title), h('span', { className: 'count' }, (col.cards || []).length)),
    (col.cards || []).map((card) => h('div', { key: card.id, className: cx('kb-kanban-card', drag && drag.cardId === card.id && 'dragging'), draggable: true,
      onDragStart: (e) => { setDrag({ cardId: card.id, colId: col.id }); if (e.dataTransfer) { e.dataTransfer.effectAllowed = 'move'; try { e.dataTransfer.setData('text/plain', String(card.id)); } catch (err) { /* ignore */ } } },
      onDragEnd: () => { setDrag(null); setOver(null); },
      onDragOver: (e) => e.preventDefault(),
      onDrop: dropOn(col.id, card.id),
      onClick: onCardClick ? () => onCardClick(card, col) : undefined,
      onDoubleClick: allowEdit ? () => editCard(col.id, card) : undefined },
    renderCard ? renderCard(card, col) : h(Frag, null,
      h('div', { className: 'kb-kanban-card-title' },
        card.priority && PRIORITIES.includes(card.priority) ? h('span', { className: cx('kb-priority', card.priority), title: card.priority }) : null,
        h('span', null, card.title),
        allowDelete ? h('button', { type: 'button', className: 'kb-tag-remove', 'aria-label': 'Delete card', onClick: (e) => { e.stopPropagation(); deleteCard(col.id, card.id); } }, '×') : null),
      card.description ? h('div', { className: 'kb-kanban-card-desc' }, card.description) : null,
      (card.tags && card.tags.length) || card.avatar ? h('div', { className: 'kb-kanban-card-meta' },
        (card.tags || []).map((t) => h(Badge, { key: String(t), variant: 'outline' }, t)),
        card.avatar ? h(Avatar, { src: /^(https?:|\/|data:)/.test(String(card.avatar)) ? card.avatar : undefined, name: String(card.avatar), size: 22, style: { marginLeft: 'auto' } }) : null) : null))),
    allowAdd ? (adding === col.id
      ? h('input', { className: 'input', autoFocus: true, placeholder: 'Card title', value: draft, onChange: (e) => setDraft(e.target.value),
        onKeyDown: (e) => { if (e.key === 'Enter') addCard(col.id); else if (e.key === 'Escape') { setAdding(null); setDraft(''); } }, onBlur: () => addCard(col.id) })
      : h('button', { type: 'button', className: 'btn btn-ghost btn-sm', onClick: () => { setAdding(col.id); setDraft(''); } }, '+ Add card')) : null)));
}

// ============================================================================================ hash routing
const RouterCtx = createContext({ params: {}, path: null });
function currentHash() {
  const raw = (typeof window !== 'undefined' && window.location && window.location.hash) || '';
  const s = raw.replace(/^#/, '') || '/';
  const i = s.indexOf('?');
  const path = i >= 0 ? s.slice(0, i) || '/' : s;
  const query = {};
  if (i >= 0) s.slice(i + 1).split('&').forEach((p) => { if (!p) return; const j = p.indexOf('='); query[decodeURIComponent(j >= 0 ? p.slice(0, j) : p)] = j >= 0 ? decodeURIComponent(p.slice(j + 1)) : ''; });
  return { path: path.charAt(0) === '/' ? path : '/' + path, query };
}
export function matchPath(pattern, path) {
  if (pattern === undefined || pattern === null || pattern === '*') return {};
  const pp = String(pattern).split('/').filter(Boolean);
  const sp = String(path).split('/').filter(Boolean);
  const params = {};
  for (let i = 0; i < pp.length; i++) {
    const p = pp[i];
    if (p === '*') { params['*'] = sp.slice(i).map(decodeURIComponent).join('/'); return params; }
    if (i >= sp.length) return null;
    if (p.charAt(0) === ':') params[p.slice(1)] = decodeURIComponent(sp[i]);
    else if (p !== sp[i]) return null;
  }
  return sp.length === pp.length ? params : null;
}
export function hashNavigate(to, opts = {}) {
  const target = '#' + (String(to).charAt(0) === '/' ? to : '/' + to);
  if (window.location.hash === target) return;
  if (opts.replace && window.history && window.history.replaceState) {
    window.history.replaceState(window.history.state, '', target);
    window.dispatchEvent(typeof HashChangeEvent === 'function' ? new HashChangeEvent('hashchange') : new Event('hashchange'));
  } else window.location.hash = target;
}
function useHashLocation() {
  const [loc, setLoc] = useState(currentHash);
  useEffect(() => {
    const on = () => setLoc(currentHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return loc;
}
export function useHashRouter() {
  const loc = useHashLocation();
  const ctx = useContext(RouterCtx);
  const navigate = useCallback((to, opts) => hashNavigate(to, opts), []);
  return { path: loc.path, params: ctx.params || {}, query: loc.query, navigate };
}
export function Router({ children, fallback = null }) {
  const loc = useHashLocation();
  const routes = React.Children.toArray(children);
  for (const el of routes) {
    if (!el || !el.props) continue;
    const params = matchPath(el.props.path, loc.path);
    if (params) return h(RouterCtx.Provider, { value: { params, path: loc.path } }, renderRoute(el.props, params));
  }
  return fallback;
}
function renderRoute(props, params) {
  if (props.element !== undefined) return props.element;
  if (typeof props.component === 'function') return h(props.component, { params });
  return typeof props.children === 'function' ? props.children(params) : props.children === undefined ? null : props.children;
}
// Inside <Router> a Route is only a description; standalone it renders when its path matches the hash.
export function Route(props) {
  const loc = useHashLocation();
  const params = matchPath(props.path, loc.path);
  if (!params) return null;
  return h(RouterCtx.Provider, { value: { params, path: loc.path } }, renderRoute(props, params));
}
export function Link({ to = '/', replace = false, className, style, children, onClick, ...rest }) {
  const href = '#' + (String(to).charAt(0) === '/' ? to : '/' + to);
  return h('a', { ...rest, href, className, style, onClick: (e) => {
    if (onClick) onClick(e);
    if (e.defaultPrevented || e.button > 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault(); // avoid <base href> turning "#/x" into a real navigation
    hashNavigate(to, { replace });
  } }, children);
}
export function NavLink({ to = '/', exact = false, activeClassName = 'active', activeStyle, className, style, children, ...rest }) {
  const loc = useHashLocation();
  const target = String(to).charAt(0) === '/' ? String(to) : '/' + to;
  const active = exact ? loc.path === target : loc.path === target || (target !== '/' && loc.path.startsWith(target.replace(/\/$/, '') + '/'));
  return h(Link, { ...rest, to, className: cx(className, active && activeClassName), style: active && activeStyle ? { ...style, ...activeStyle } : style,
    'aria-current': active ? 'page' : undefined }, typeof children === 'function' ? children({ active }) : children);
}
export function Navigate({ to, replace = true }) {
  useEffect(() => { hashNavigate(to, { replace }); }, [to, replace]);
  return null;
}
