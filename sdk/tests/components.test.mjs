import test from 'node:test';
import assert from 'node:assert/strict';
import { loadSdk, importSdkModule } from './_harness.mjs';
import { createElement as h, renderTree, findAll, textOf } from './_fake-react.mjs';

const env = loadSdk();
const C = await importSdkModule('kinbot-components.js', env.window);

export const COMPONENTS = ['Stack', 'Grid', 'Divider', 'Card', 'Panel', 'Button', 'ButtonGroup', 'Input', 'Textarea', 'Select', 'Checkbox', 'Switch',
  'RadioGroup', 'Slider', 'DatePicker', 'NumberInput', 'Combobox', 'TagInput', 'ColorPicker', 'MarkdownEditor', 'Calendar', 'DateRangePicker',
  'FileUpload', 'Form', 'Badge', 'Tag', 'Stat', 'Avatar', 'AvatarGroup', 'Tooltip', 'ProgressBar', 'Table', 'DataGrid', 'List', 'CodeBlock',
  'Timeline', 'Accordion', 'Alert', 'Spinner', 'Skeleton', 'EmptyState', 'Modal', 'Drawer', 'Popover', 'DropdownMenu', 'Tabs', 'Pagination',
  'Breadcrumbs', 'Stepper', 'StepperContent', 'BarChart', 'LineChart', 'PieChart', 'SparkLine', 'Kanban', 'Router', 'Route', 'Link', 'NavLink', 'Navigate'];

const classesOf = (node) => String(node.props.className || '').split(/\s+/);
const byClass = (tree, c) => findAll(tree, (n) => classesOf(n).includes(c));

test('every documented component (and useHashRouter) is exported as a function/component', () => {
  for (const name of COMPONENTS) {
    const v = C[name];
    assert.ok(typeof v === 'function' || (v && v.$$forwardRef), `${name} exported`);
  }
  assert.equal(typeof C.useHashRouter, 'function');
  for (const sub of ['Header', 'Title', 'Description', 'Content', 'Footer']) assert.equal(typeof C.Card[sub], 'function', 'Card.' + sub);
  for (const sub of ['Field', 'Actions', 'Submit', 'Reset']) assert.equal(typeof C.Form[sub], 'function', 'Form.' + sub);
  assert.equal(typeof C.Grid.Item, 'function');
});

test('each component renders its documented props without throwing', () => {
  const cols = [{ key: 'name', label: 'Name', sortable: true }, { key: 'age', label: 'Age', align: 'right' }];
  const rows = [{ id: 1, name: 'Ann', age: 31 }, { id: 2, name: 'Bob', age: 25 }];
  const samples = {
    Stack: { direction: 'row', gap: 2, align: 'center', justify: 'between', wrap: true, children: 'x' },
    Grid: { columns: 3, gap: 2, children: h(C.Grid.Item, { colSpan: 2 }, 'a') },
    Divider: { orientation: 'vertical' },
    Card: { hover: true, children: [h(C.Card.Header, { key: 1 }, h(C.Card.Title, { as: 'h2' }, 'T'), h(C.Card.Description, null, 'D')), h(C.Card.Content, { key: 2 }, 'C'), h(C.Card.Footer, { key: 3 }, 'F')] },
    Panel: { title: 'P', icon: '⚙', collapsible: true, defaultOpen: true, actions: 'a', variant: 'outlined', children: 'body' },
    Button: { variant: 'destructive', size: 'sm', loading: true, children: 'Go' },
    ButtonGroup: { children: h(C.Button, null, 'a') },
    Input: { label: 'Name', error: 'bad', helpText: 'h', placeholder: 'p' },
    Textarea: { label: 'Bio', rows: 3 },
    Select: { label: 'S', options: [{ value: 'a', label: 'A' }, 'b'], placeholder: 'Pick' },
    Checkbox: { label: 'Agree', checked: true, onChange() {} },
    Switch: { label: 'On', checked: true, onChange() {} },
    RadioGroup: { name: 'r', options: [{ value: 1, label: 'One' }, { value: 2, label: 'Two' }], value: 2, onChange() {}, direction: 'row', label: 'R', error: 'e' },
    Slider: { value: 30, min: 0, max: 50, step: 5, onChange() {}, label: 'Vol', showValue: true, formatValue: (v) => v + '%' },
    DatePicker: { value: '2026-01-02', onChange() {}, type: 'date', min: '2026-01-01', max: '2026-12-31' },
    NumberInput: { value: 3, min: 0, max: 10, step: 1, onChange() {} },
    Combobox: { options: [{ value: 'a', label: 'Alpha', icon: '🅰', description: 'first' }], value: 'a', clearable: true, onChange() {}, renderOption: (o) => o.label },
    TagInput: { value: ['x'], suggestions: ['y'], maxTags: 3, allowDuplicates: false, validate: () => true, onChange() {} },
    ColorPicker: { value: '#ff0000', swatches: ['#000000'], onChange() {} },
    MarkdownEditor: { value: '# Hi\n\n**b** _i_ [l](https://x.y)\n\n- a\n- b', showPreview: 'split', showToolbar: true, minHeight: 100, maxHeight: 300 },
    Calendar: { mode: 'range', value: { start: '2026-03-03', end: '2026-03-09' }, events: [{ date: '2026-03-05', title: 'E', color: 'red' }], weekStart: 1, locale: 'en' },
    DateRangePicker: { value: { start: '2026-03-01', end: '2026-03-02' }, presets: [{ label: 'X', range: { start: '2026-01-01', end: '2026-01-02' } }], locale: 'en' },
    FileUpload: { accept: 'image/*,.pdf', multiple: true, maxSize: 1024, maxFiles: 2, onFiles() {}, onError() {}, compact: true },
    Form: { initialValues: { email: '' }, onSubmit() {}, children: [h(C.Form.Field, { key: 1, name: 'email', label: 'Email', rules: ['required', 'email'], helpText: 'h' }),
      h(C.Form.Actions, { key: 2, align: 'between' }, h(C.Form.Reset), h(C.Form.Submit, { loadingText: 'Saving' }))] },
    Badge: { variant: 'success', children: 'ok' },
    Tag: { onRemove() {}, children: 't' },
    Stat: { value: '42', label: 'Users', trend: -3 },
    Avatar: { src: '/a.png', alt: 'Ann Lee', size: 40 },
    AvatarGroup: { avatars: [{ name: 'A B' }, { name: 'C' }, { name: 'D' }], max: 2, size: 24 },
    Tooltip: { text: 'tip', position: 'bottom', children: 'hover' },
    ProgressBar: { value: 30, max: 60, color: 'red', height: 6, showLabel: true },
    Table: { columns: [...cols, { key: 'x', label: 'X', render: (v, r) => r.name + '!' }], data: rows, onRowClick() {} },
    DataGrid: { columns: cols, data: rows, pageSize: 1, pageSizeOptions: [1, 2], selectable: true, onSelectionChange() {}, searchable: true, filterable: true, striped: true, compact: true, stickyHeader: true, maxHeight: 200, emptyText: 'none' },
    List: { items: [{ id: 1, primary: 'P', secondary: 'S', icon: '•', action: 'a', onClick() {} }], divided: true },
    CodeBlock: { code: 'a\nb', language: 'js', showCopy: true, showLineNumbers: true },
    Timeline: { items: [{ title: 'T', description: 'D', time: 'now', icon: '★', color: 'red' }] },
    Accordion: { items: [{ id: 'a', title: 'A', content: 'ca' }, { id: 'b', title: 'B', content: 'cb' }], multiple: true, defaultOpen: ['a'] },
    Alert: { variant: 'warning', title: 'Careful', dismissible: true, onDismiss() {}, children: 'msg' },
    Spinner: { size: 'lg', color: 'red' },
    Skeleton: { width: 100, height: 20, rounded: true },
    EmptyState: { icon: '🗂', title: 'Nothing', description: 'd', action: 'a' },
    Modal: { open: true, onClose() {}, title: 'M', size: 'lg', children: 'body', footer: 'f' },
    Drawer: { open: true, onClose() {}, title: 'D', side: 'left', width: 300, children: 'b' },
    Popover: { trigger: 'open', content: 'c', placement: 'top', open: true, onOpenChange() {} },
    DropdownMenu: { trigger: 'menu', items: [{ label: 'Edit', icon: '✏', onClick() {} }, { divider: true }, { label: 'Delete', danger: true, disabled: true }], align: 'end' },
    Tabs: { tabs: [{ id: 'a', label: 'A', icon: '1', badge: 2 }, { id: 'b', label: 'B', disabled: true }], active: 'a', onChange() {}, children: (id) => 'panel ' + id },
    Pagination: { page: 5, totalPages: 10, onChange() {} },
    Breadcrumbs: { items: [{ label: 'Home', href: '#/' }, { label: 'Here' }], separator: '›' },
    Stepper: { steps: [{ label: 'One', description: 'd' }, { label: 'Two', optional: true }, { label: 'Three', icon: '3' }], activeStep: 1, onStepClick() {}, allowClickAhead: true },
    StepperContent: { activeStep: 1, animated: true, children: [h('div', { key: 1 }, 'first'), h('div', { key: 2 }, 'second')] },
    BarChart: { data: [{ label: 'a', value: 3 }, { label: 'b', value: 7 }], showValues: true },
    LineChart: { data: [{ label: 'a', values: [1, 2] }, { label: 'b', values: [3, 1] }, { label: 'c', values: [2, 5] }], series: [{ label: 'S1' }, { label: 'S2', color: 'red' }], showDots: true, showArea: true, curved: true },
    PieChart: { data: [{ label: 'a', value: 1 }, { label: 'b', value: 3 }], donut: true, showLabels: true, showLegend: true },
    SparkLine: { data: [1, 3, 2, 5] },
    Kanban: { columns: [{ id: 'todo', title: 'To do', color: 'red', cards: [{ id: 'c1', title: 'Card', description: 'd', tags: ['x'], avatar: 'AB', priority: 'high' }] }, { id: 'done', title: 'Done', cards: [] }], onChange() {}, onCardClick() {}, allowAdd: true, allowDelete: true, allowEdit: true },
    Router: { children: [h(C.Route, { key: 1, path: '/', element: 'home' }), h(C.Route, { key: 2, path: '*', element: 'nf' })] },
    Route: { path: '/', element: 'home' },
    Link: { to: '/a', children: 'A' },
    NavLink: { to: '/', exact: true, children: 'Home' },
    Navigate: { to: '/x' },
  };
  for (const name of COMPONENTS) {
    assert.ok(samples[name], 'sample for ' + name);
    assert.doesNotThrow(() => renderTree(h(C[name], samples[name])), name);
  }
});

test('Button: variant/size classes, loading spinner, disabled', () => {
  const t = renderTree(h(C.Button, { variant: 'secondary', size: 'lg', loading: true, onClick() {} }, 'Save'));
  assert.equal(t.type, 'button');
  assert.deepEqual(classesOf(t), ['btn', 'btn-secondary', 'btn-lg', 'btn-loading']);
  assert.equal(t.props.disabled, true);
  assert.equal(t.props.type, 'button');
  assert.equal(byClass(t, 'spinner').length, 1);
  const plain = renderTree(h(C.Button, null, 'x'));
  assert.deepEqual(classesOf(plain), ['btn', 'btn-primary']);
});

test('Input/Select wire label, error and options', () => {
  const t = renderTree(h(C.Input, { label: 'Email', error: 'Required', id: 'e1' }));
  const input = findAll(t, (n) => n.type === 'input')[0];
  assert.ok(classesOf(input).includes('input-error'));
  assert.equal(findAll(t, (n) => n.type === 'label')[0].props.htmlFor, 'e1');
  assert.equal(textOf(byClass(t, 'kb-field-error')[0]), 'Required');
  const s = renderTree(h(C.Select, { options: ['a', { value: 'b', label: 'B' }], placeholder: 'Pick' }));
  assert.deepEqual(findAll(s, (n) => n.type === 'option').map(textOf), ['Pick', 'a', 'B']);
});

test('DataGrid: search, sort toggles, pagination footer text', () => {
  const data = Array.from({ length: 12 }, (_, i) => ({ id: i, name: 'row' + i, n: 12 - i }));
  const t = renderTree(h(C.DataGrid, { columns: [{ key: 'name', label: 'Name' }, { key: 'n', label: 'N' }], data, pageSize: 5 }));
  assert.equal(findAll(t, (n) => n.type === 'tr').length, 6, 'header + 5 rows');
  assert.match(textOf(byClass(t, 'kb-datagrid-footer')[0]), /1–5 of 12/);
});

test('Tabs, Pagination, Stepper, Accordion render state', () => {
  const tabs = renderTree(h(C.Tabs, { tabs: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], active: 'b' }, (id) => 'panel ' + id));
  assert.deepEqual(findAll(tabs, (n) => n.props.role === 'tab').map((n) => n.props['aria-selected']), [false, true]);
  assert.equal(textOf(findAll(tabs, (n) => n.props.role === 'tabpanel')[0]), 'panel b');
  assert.deepEqual(C.paginationRange(5, 10, 1), [1, '…', 4, 5, 6, '…', 10]);
  assert.deepEqual(C.paginationRange(1, 3, 1), [1, 2, 3]);
  const st = renderTree(h(C.Stepper, { steps: [{ label: 'a' }, { label: 'b' }, { label: 'c' }], activeStep: 1 }));
  assert.deepEqual(byClass(st, 'kb-step').map((n) => classesOf(n).filter((c) => c === 'done' || c === 'active')), [['done'], ['active'], []]);
  const acc = renderTree(h(C.Accordion, { items: [{ id: 'x', title: 'X', content: 'cx' }, { id: 'y', title: 'Y', content: 'cy' }], defaultOpen: 'y' }));
  assert.equal(textOf(byClass(acc, 'kb-accordion-content')), 'cy');
});

test('charts draw SVG shapes', () => {
  const bar = renderTree(h(C.BarChart, { data: [{ label: 'a', value: 2 }, { label: 'b', value: 4 }] }));
  assert.equal(findAll(bar, (n) => n.type === 'rect').length, 2);
  const pie = renderTree(h(C.PieChart, { data: [{ label: 'a', value: 1 }, { label: 'b', value: 1 }, { label: 'c', value: 2 }], showLegend: false }));
  assert.equal(findAll(pie, (n) => n.type === 'path').length, 3);
  const line = renderTree(h(C.LineChart, { data: [{ label: 'a', value: 1 }, { label: 'b', value: 4 }, { label: 'c', value: 2 }] }));
  assert.equal(findAll(line, (n) => n.type === 'circle').length, 3);
  const spark = renderTree(h(C.SparkLine, { data: [1, 2, 3] }));
  assert.equal(spark.type, 'svg');
});

test('helpers: validation rules, markdown is safe, route matching', () => {
  assert.equal(C.validateField('required', ''), 'This field is required');
  assert.equal(C.validateField(['required', 'email'], 'a@b.co'), null);
  assert.equal(C.validateField('email', 'nope'), 'Enter a valid email address');
  assert.equal(C.validateField({ type: 'minLength', value: 3 }, 'ab'), 'At least 3 characters');
  assert.equal(C.validateField({ type: 'max', value: 5, message: 'too big' }, 7), 'too big');
  assert.equal(C.validateField({ type: 'pattern', value: '^[0-9]+$' }, '12a'), 'Invalid format');
  assert.equal(C.validateField({ type: 'match', value: 'pw' }, 'x', { pw: 'y' }), 'Values do not match');
  assert.equal(C.validateField((v) => (v === 'bad' ? 'custom' : null), 'bad'), 'custom');
  const md = renderTree(h('div', null, C.renderMarkdown('# T\n\n[x](javascript:alert(1)) [ok](https://a.b) `c`\n\n1. one\n2. two\n\n```\ncode\n```')));
  assert.equal(findAll(md, (n) => n.type === 'h1').length, 1);
  const links = findAll(md, (n) => n.type === 'a');
  assert.deepEqual(links.map((a) => a.props.href), ['https://a.b']);
  assert.equal(findAll(md, (n) => n.type === 'ol').length, 1);
  assert.equal(findAll(md, (n) => n.type === 'pre').length, 1);
  assert.deepEqual(C.matchPath('/users/:id', '/users/42'), { id: '42' });
  assert.equal(C.matchPath('/users/:id', '/users'), null);
  assert.deepEqual(C.matchPath('/files/*', '/files/a/b'), { '*': 'a/b' });
  assert.deepEqual(C.matchPath('/', '/'), {});
});

test('Router renders the first matching Route with params', () => {
  env.window.location.hash = '#/users/7?tab=x';
  const t = renderTree(h(C.Router, null,
    h(C.Route, { path: '/', element: 'home' }),
    h(C.Route, { path: '/users/:id' }, (p) => 'user ' + p.id),
    h(C.Route, { path: '*', element: 'nf' })));
  assert.equal(t, 'user 7');
  env.window.location.hash = '#/nope';
  assert.equal(renderTree(h(C.Router, null, h(C.Route, { path: '/', element: 'home' }), h(C.Route, { path: '*', element: 'nf' }))), 'nf');
  const link = renderTree(h(C.Link, { to: '/about' }, 'A'));
  assert.equal(link.props.href, '#/about');
  const nav = renderTree(h(C.NavLink, { to: '/nope', className: 'x' }, 'N'));
  assert.equal(nav.props.className, 'x active');
});
