// Type declarations for kinbot-components.js (import map name: @kinbot/components).
// Every component also accepts `className` and `style`.

declare module '@kinbot/components' {
  import type {
    ReactNode, ReactElement, CSSProperties, ForwardRefExoticComponent, RefAttributes,
    InputHTMLAttributes, TextareaHTMLAttributes, SelectHTMLAttributes, ButtonHTMLAttributes, HTMLAttributes, AnchorHTMLAttributes,
  } from 'react';

  interface Base { className?: string; style?: CSSProperties; }
  type Size = number | string;
  /** Spacing: numbers are multiples of 0.25rem, strings are CSS lengths. */
  type Space = number | string;
  type Node = ReactElement | null;

  interface FieldProps { label?: ReactNode; error?: ReactNode; helpText?: ReactNode; }
  type Option<V = any> = { value: V; label: ReactNode; disabled?: boolean; description?: ReactNode; icon?: ReactNode } | string | number;

  // ============================================================ layout
  export function Stack(props: Base & HTMLAttributes<HTMLElement> & {
    direction?: 'row' | 'column' | 'row-reverse' | 'column-reverse';
    gap?: Space;
    align?: 'start' | 'center' | 'end' | 'stretch' | 'baseline';
    justify?: 'start' | 'center' | 'end' | 'between' | 'around' | 'evenly';
    wrap?: boolean | 'wrap' | 'nowrap' | 'wrap-reverse';
    as?: string;
    children?: ReactNode;
  }): Node;

  export const Grid: ((props: Base & HTMLAttributes<HTMLElement> & {
    /** Number of equal columns, or a grid-template-columns string. */
    columns?: number | string;
    /** Responsive auto-fill columns at least this wide (number = px). */
    minChildWidth?: Size;
    gap?: Space; rowGap?: Space; colGap?: Space;
    as?: string;
    children?: ReactNode;
  }) => Node) & {
    Item(props: Base & HTMLAttributes<HTMLDivElement> & { colSpan?: number | 'full'; rowSpan?: number | 'full'; children?: ReactNode }): Node;
  };

  export function Divider(props: Base & { orientation?: 'horizontal' | 'vertical'; label?: ReactNode; gradient?: boolean }): Node;

  export const Card: ((props: Base & HTMLAttributes<HTMLElement> & { hover?: boolean; as?: string; children?: ReactNode }) => Node) & {
    Header(props: Base & HTMLAttributes<HTMLDivElement> & { children?: ReactNode }): Node;
    Title(props: Base & HTMLAttributes<HTMLElement> & { as?: string; children?: ReactNode }): Node;
    Description(props: Base & HTMLAttributes<HTMLParagraphElement> & { children?: ReactNode }): Node;
    Content(props: Base & HTMLAttributes<HTMLDivElement> & { children?: ReactNode }): Node;
    Footer(props: Base & HTMLAttributes<HTMLDivElement> & { children?: ReactNode }): Node;
  };

  export function Panel(props: Base & {
    title?: ReactNode; icon?: ReactNode; collapsible?: boolean; defaultOpen?: boolean;
    /** Controlled open state (with onToggle). */
    open?: boolean; onToggle?: (open: boolean) => void;
    actions?: ReactNode; variant?: 'default' | 'outlined' | 'filled'; children?: ReactNode;
  }): Node;

  // ============================================================ buttons
  export type ButtonVariant = 'primary' | 'secondary' | 'destructive' | 'danger' | 'success' | 'warning' | 'outline' | 'ghost' | 'link' | 'shine';
  export const Button: ForwardRefExoticComponent<Base & Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & {
    variant?: ButtonVariant | null;
    size?: 'sm' | 'md' | 'lg' | 'icon';
    /** Shows a spinner and disables the button. */
    loading?: boolean;
    icon?: ReactNode; iconRight?: ReactNode; block?: boolean;
    type?: 'button' | 'submit' | 'reset';
    /** Render as another element (e.g. 'a'). */
    as?: string;
    href?: string;
    children?: ReactNode;
  } & RefAttributes<HTMLButtonElement>>;
  export function ButtonGroup(props: Base & { orientation?: 'horizontal' | 'vertical'; children?: ReactNode }): Node;

  // ============================================================ inputs
  export const Input: ForwardRefExoticComponent<Base & FieldProps & InputHTMLAttributes<HTMLInputElement> & {
    icon?: ReactNode; inputClassName?: string;
  } & RefAttributes<HTMLInputElement>>;
  export const Textarea: ForwardRefExoticComponent<Base & FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement> & RefAttributes<HTMLTextAreaElement>>;
  export const Select: ForwardRefExoticComponent<Base & FieldProps & SelectHTMLAttributes<HTMLSelectElement> & {
    options?: Option[]; placeholder?: string;
  } & RefAttributes<HTMLSelectElement>>;
  /** onChange receives the native change event; onCheckedChange the boolean. */
  export const Checkbox: ForwardRefExoticComponent<Base & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & {
    label?: ReactNode; description?: ReactNode; onCheckedChange?: (checked: boolean) => void;
  } & RefAttributes<HTMLInputElement>>;
  export function Switch(props: Base & {
    label?: ReactNode; checked?: boolean; defaultChecked?: boolean; onChange?: (checked: boolean) => void; disabled?: boolean; id?: string;
  }): Node;
  export function RadioGroup<V = any>(props: Base & FieldProps & {
    name?: string; options: Option<V>[]; value?: V; defaultValue?: V; onChange?: (value: V) => void;
    direction?: 'row' | 'column'; disabled?: boolean;
  }): Node;
  export function Slider(props: Base & {
    value?: number; defaultValue?: number; min?: number; max?: number; step?: number; onChange?: (value: number) => void;
    label?: ReactNode; showValue?: boolean; formatValue?: (value: number) => string; disabled?: boolean;
  }): Node;
  /** value/onChange use the native string format of the input type (YYYY-MM-DD, YYYY-MM-DDTHH:mm, HH:mm). */
  export function DatePicker(props: Base & FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> & {
    value?: string | null; onChange?: (value: string) => void; type?: 'date' | 'datetime-local' | 'time' | 'month' | 'week';
    min?: string; max?: string;
  }): Node;
  export function NumberInput(props: Base & FieldProps & {
    value?: number | null; defaultValue?: number | null; onChange?: (value: number | null) => void;
    min?: number; max?: number; step?: number; precision?: number; disabled?: boolean; placeholder?: string; id?: string;
  }): Node;
  export interface ComboboxOption<V = any> { value: V; label: ReactNode; icon?: ReactNode; description?: ReactNode; disabled?: boolean; }
  export function Combobox<V = any>(props: Base & FieldProps & {
    options: (ComboboxOption<V> | string | number)[];
    value?: V | null; defaultValue?: V | null; onChange?: (value: V | null, option: ComboboxOption<V> | null) => void;
    placeholder?: string; searchPlaceholder?: string; clearable?: boolean; disabled?: boolean; emptyText?: ReactNode; id?: string;
    renderOption?: (option: ComboboxOption<V>, state: { selected: boolean; active: boolean }) => ReactNode;
  }): Node;
  export function TagInput(props: Base & FieldProps & {
    value?: string[]; defaultValue?: string[]; onChange?: (tags: string[]) => void; suggestions?: string[];
    maxTags?: number; allowDuplicates?: boolean;
    /** Return false or an error message to refuse a tag. */
    validate?: (tag: string, tags: string[]) => boolean | string;
    placeholder?: string; disabled?: boolean;
  }): Node;
  export function ColorPicker(props: Base & FieldProps & {
    /** Hex colour (#rrggbb). */
    value?: string; defaultValue?: string; onChange?: (hex: string) => void; swatches?: string[]; showInput?: boolean;
  }): Node;
  export function MarkdownEditor(props: Base & FieldProps & {
    value?: string; defaultValue?: string; onChange?: (markdown: string) => void;
    /** true = Write/Preview toggle, 'split' = side by side, false = no preview. */
    showPreview?: boolean | 'split'; showToolbar?: boolean; minHeight?: Size; maxHeight?: Size; placeholder?: string;
  }): Node;
  export interface CalendarEvent { date: string | Date; title?: string; color?: string; [key: string]: any; }
  export interface DateRange { start: string | null; end: string | null; }
  export function Calendar(props: Base & ({
    mode?: 'single'; value?: string | null; defaultValue?: string | null; onChange?: (date: string) => void;
  } | {
    mode: 'multiple'; value?: string[]; defaultValue?: string[]; onChange?: (dates: string[]) => void;
  } | {
    mode: 'range'; value?: DateRange; defaultValue?: DateRange; onChange?: (range: DateRange) => void;
  }) & {
    events?: CalendarEvent[];
    /** 0 = Sunday, 1 = Monday (default). */
    weekStart?: number;
    locale?: string; min?: string; max?: string;
    /** Controlled visible month (any date in it, YYYY-MM-DD). */
    month?: string; onMonthChange?: (firstDayOfMonth: string) => void;
    onDayClick?: (date: string, events: CalendarEvent[]) => void;
  }): Node;
  export function DateRangePicker(props: Base & FieldProps & {
    value?: DateRange; defaultValue?: DateRange; onChange?: (range: DateRange) => void;
    /** false hides presets; default: Today, Last 7 days, Last 30 days, This month. */
    presets?: { label: string; range: DateRange }[] | false;
    locale?: string; placeholder?: string; weekStart?: number; min?: string; max?: string;
  }): Node;
  export function FileUpload(props: Base & {
    /** Like the input attribute: ".pdf,image/*". */
    accept?: string; multiple?: boolean;
    /** Bytes. */
    maxSize?: number; maxFiles?: number;
    onFiles?: (files: File[]) => void; onError?: (message: string) => void;
    compact?: boolean; label?: ReactNode; description?: ReactNode; disabled?: boolean; showList?: boolean;
  }): Node;

  // ============================================================ form
  export type Rule =
    | 'required' | 'email'
    | { type: 'required' | 'email' | 'minLength' | 'maxLength' | 'min' | 'max' | 'pattern' | 'match' | 'custom'; value?: any; message?: string }
    | ((value: any, values: Record<string, any>) => string | null | undefined | false);
  export interface FormRenderState { values: Record<string, any>; errors: Record<string, string | undefined>; touched: Record<string, boolean>; submitting: boolean; reset(): void; setValue(name: string, value: any): void; }
  export const Form: ((props: Base & Omit<HTMLAttributes<HTMLFormElement>, 'onSubmit' | 'children'> & {
    /** May be async; a thrown error is shown under the form. */
    onSubmit?: (values: Record<string, any>, helpers: { reset(): void; setErrors(errors: Record<string, string>): void }) => any;
    initialValues?: Record<string, any>;
    validateOnChange?: boolean; validateOnBlur?: boolean;
    children?: ReactNode | ((state: FormRenderState) => ReactNode);
  }) => Node) & {
    Field(props: Base & {
      name: string; label?: ReactNode; rules?: Rule | Rule[]; helpText?: ReactNode;
      type?: 'text' | 'email' | 'password' | 'number' | 'tel' | 'url' | 'date' | 'time' | 'datetime-local' | 'textarea' | 'select' | 'checkbox' | 'switch' | 'radio' | (string & {});
      as?: 'input' | 'textarea' | 'select' | 'checkbox' | 'switch' | 'radio' | 'number';
      options?: Option[]; placeholder?: string;
      children?: (field: { value: any; onChange(valueOrEvent: any): void; onBlur(): void; error?: string; name: string }) => ReactNode;
      [prop: string]: any;
    }): Node;
    Actions(props: Base & { align?: 'start' | 'center' | 'end' | 'between'; children?: ReactNode }): Node;
    Submit(props: Base & Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & { loadingText?: ReactNode; variant?: ButtonVariant; size?: 'sm' | 'md' | 'lg'; children?: ReactNode }): Node;
    Reset(props: Base & Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & { variant?: ButtonVariant; size?: 'sm' | 'md' | 'lg'; children?: ReactNode }): Node;
  };
  /** First failing rule's message, or null. */
  export function validateField(rules: Rule | Rule[] | undefined, value: any, values?: Record<string, any>): string | null;

  // ============================================================ data display
  export function Badge(props: Base & HTMLAttributes<HTMLSpanElement> & { variant?: 'default' | 'primary' | 'success' | 'warning' | 'destructive' | 'error' | 'danger' | 'info' | 'outline'; children?: ReactNode }): Node;
  export function Tag(props: Base & HTMLAttributes<HTMLSpanElement> & { onRemove?: (event: any) => void; color?: string; children?: ReactNode }): Node;
  export function Stat(props: Base & {
    value: ReactNode; label: ReactNode;
    /** Number (percent, sign decides the direction) or text like "+12%". */
    trend?: number | string | null; trendUp?: boolean; icon?: ReactNode; description?: ReactNode;
  }): Node;
  export function Avatar(props: Base & { src?: string; alt?: string; name?: string; initials?: string; size?: number | 'sm' | 'lg' | 'xl' | string }): Node;
  export function AvatarGroup(props: Base & { avatars: { src?: string; name?: string; alt?: string; initials?: string }[]; max?: number; size?: number }): Node;
  export function Tooltip(props: Base & { text?: ReactNode; content?: ReactNode; position?: 'top' | 'bottom' | 'left' | 'right'; children?: ReactNode }): Node;
  export function ProgressBar(props: Base & { value?: number; max?: number; color?: string; height?: Size; showLabel?: boolean; label?: ReactNode; size?: 'sm' | 'lg' }): Node;
  export interface Column<R = any> {
    key: string; label: ReactNode; align?: 'left' | 'center' | 'right'; width?: Size;
    render?: (value: any, row: R, index: number) => ReactNode;
    sortable?: boolean; filterable?: boolean; sortFn?: (a: R, b: R) => number;
  }
  export function Table<R = any>(props: Base & {
    columns: Column<R>[]; data: R[]; onRowClick?: (row: R, index: number) => void;
    striped?: boolean; compact?: boolean; stickyHeader?: boolean; maxHeight?: Size; emptyText?: ReactNode;
    /** Field name or function; default row.id, else the index. */
    rowKey?: string | ((row: R, index: number) => any);
  }): Node;
  export function DataGrid<R = any>(props: Base & {
    columns: Column<R>[]; data: R[];
    /** 0 disables pagination. Default 10. */
    pageSize?: number; pageSizeOptions?: number[];
    /** Defaults for every column (a column's own flag wins). */
    sortable?: boolean; filterable?: boolean;
    selectable?: boolean; onSelectionChange?: (rows: R[]) => void;
    searchable?: boolean; searchPlaceholder?: string;
    striped?: boolean; compact?: boolean; stickyHeader?: boolean; maxHeight?: Size; emptyText?: ReactNode;
    onRowClick?: (row: R) => void; rowKey?: string | ((row: R, index: number) => any); toolbar?: ReactNode;
  }): Node;
  export interface ListItem { id?: string | number; primary: ReactNode; secondary?: ReactNode; icon?: ReactNode; action?: ReactNode; onClick?: (event: any) => void; }
  export function List(props: Base & { items: ListItem[]; divided?: boolean; onItemClick?: (item: ListItem, index: number) => void; emptyText?: ReactNode }): Node;
  export function CodeBlock(props: Base & { code: string; language?: string; title?: ReactNode; showCopy?: boolean; showLineNumbers?: boolean; maxHeight?: Size }): Node;
  export function Timeline(props: Base & { items: { id?: string | number; title: ReactNode; description?: ReactNode; time?: ReactNode; icon?: ReactNode; color?: string }[] }): Node;
  export function Accordion(props: Base & {
    items: { id?: string | number; title: ReactNode; content: ReactNode }[];
    multiple?: boolean; defaultOpen?: string | number | (string | number)[];
  }): Node;

  // ============================================================ feedback and overlays
  export function Alert(props: Base & {
    variant?: 'info' | 'success' | 'warning' | 'error' | 'destructive' | 'danger'; title?: ReactNode;
    /** false hides the icon. */
    icon?: ReactNode | false;
    dismissible?: boolean; onDismiss?: () => void; children?: ReactNode;
  }): Node;
  export function Spinner(props: Base & { size?: 'sm' | 'md' | 'lg' | number; color?: string; label?: string }): Node;
  export function Skeleton(props: Base & { width?: Size; height?: Size; rounded?: boolean | string; circle?: boolean; count?: number }): Node;
  export function EmptyState(props: Base & { icon?: ReactNode; title?: ReactNode; description?: ReactNode; action?: ReactNode }): Node;
  export function Modal(props: Base & {
    open: boolean; onClose?: () => void; title?: ReactNode; size?: 'sm' | 'md' | 'lg' | 'xl' | 'full';
    footer?: ReactNode; closeOnOverlay?: boolean; showClose?: boolean; children?: ReactNode;
  }): Node;
  export function Drawer(props: Base & {
    open: boolean; onClose?: () => void; title?: ReactNode; side?: 'left' | 'right' | 'top' | 'bottom';
    width?: Size; height?: Size; footer?: ReactNode; closeOnOverlay?: boolean; children?: ReactNode;
  }): Node;
  export function Popover(props: Base & {
    trigger: ReactNode; content?: ReactNode; children?: ReactNode;
    placement?: 'bottom' | 'bottom-end' | 'top' | 'top-end' | 'left' | 'right';
    open?: boolean; onOpenChange?: (open: boolean) => void;
  }): Node;
  export interface MenuItem { label?: ReactNode; icon?: ReactNode; onClick?: () => void; disabled?: boolean; danger?: boolean; divider?: boolean; shortcut?: string; key?: string; }
  export function DropdownMenu(props: Base & { trigger?: ReactNode; items: MenuItem[]; align?: 'start' | 'end' }): Node;

  // ============================================================ navigation
  export interface TabItem { id: string; label: ReactNode; icon?: ReactNode; badge?: ReactNode; disabled?: boolean; }
  export function Tabs(props: Base & {
    tabs: TabItem[]; active?: string; defaultActive?: string; onChange?: (id: string) => void;
    variant?: 'underline' | 'pills';
    /** Panel content, or a function of the active tab id. */
    children?: ReactNode | ((active: string) => ReactNode);
  }): Node;
  export function Pagination(props: Base & { page: number; totalPages: number; onChange?: (page: number) => void; siblings?: number; showEdges?: boolean }): Node;
  /** Page numbers with '…' gaps, e.g. (5, 10, 1) → [1, '…', 4, 5, 6, '…', 10]. */
  export function paginationRange(page: number, totalPages: number, siblings?: number): (number | '…')[];
  export function Breadcrumbs(props: Base & { items: { label: ReactNode; href?: string; onClick?: (event: any) => void; icon?: ReactNode }[]; separator?: ReactNode }): Node;
  export function Stepper(props: Base & {
    steps: { label: ReactNode; description?: ReactNode; icon?: ReactNode; optional?: boolean }[];
    activeStep: number; onStepClick?: (index: number) => void;
    variant?: 'default' | 'dots' | 'vertical'; allowClickAhead?: boolean;
  }): Node;
  /** Renders the child at index activeStep. */
  export function StepperContent(props: Base & { activeStep: number; animated?: boolean; children?: ReactNode }): Node;

  // ============================================================ charts (SVG)
  export interface ChartDatum { label: string; value?: number; values?: number[]; color?: string; [key: string]: any; }
  export interface ChartSeries { key?: string; label?: string; color?: string; }
  interface ChartBase extends Base {
    data: ChartDatum[];
    /** Series read `datum[key]`, else `datum.values[i]` (or `datum.value` for one series). */
    series?: (ChartSeries | string)[];
    height?: number; showGrid?: boolean; showLegend?: boolean; formatValue?: (value: number) => string; colors?: string[];
  }
  export function BarChart(props: ChartBase & { stacked?: boolean; horizontal?: boolean; showValues?: boolean }): Node;
  export function LineChart(props: ChartBase & { showDots?: boolean; showArea?: boolean; curved?: boolean }): Node;
  export function PieChart(props: Base & {
    data: { label: string; value: number; color?: string }[];
    donut?: boolean; thickness?: number; showLabels?: boolean; showLegend?: boolean; size?: number;
    formatValue?: (value: number) => string; centerLabel?: ReactNode;
  }): Node;
  export function SparkLine(props: Base & { data: number[]; width?: number; height?: number; color?: string; showArea?: boolean; strokeWidth?: number; curved?: boolean }): Node;

  // ============================================================ kanban
  export interface KanbanCard { id: string | number; title: ReactNode; description?: ReactNode; tags?: string[]; avatar?: string; priority?: 'low' | 'medium' | 'high' | 'urgent'; [key: string]: any; }
  export interface KanbanColumn { id: string | number; title: ReactNode; color?: string; cards: KanbanCard[]; }
  export function Kanban(props: Base & {
    columns: KanbanColumn[];
    /** Called with the new columns after a drag, add, edit or delete. */
    onChange?: (columns: KanbanColumn[]) => void;
    onCardClick?: (card: KanbanCard, column: KanbanColumn) => void;
    renderCard?: (card: KanbanCard, column: KanbanColumn) => ReactNode;
    allowAdd?: boolean; allowDelete?: boolean;
    /** Double-click a card to rename it. */
    allowEdit?: boolean;
  }): Node;

  // ============================================================ hash routing (independent of @kinbot/react's router)
  /** Renders the first child <Route> whose path matches the hash (":param" segments and "*"). */
  export function Router(props: { children?: ReactNode; fallback?: ReactNode }): Node;
  export function Route(props: {
    path?: string; element?: ReactNode; component?: (props: { params: Record<string, string> }) => ReactNode;
    children?: ReactNode | ((params: Record<string, string>) => ReactNode);
  }): Node;
  export function Link(props: Base & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; replace?: boolean; children?: ReactNode }): Node;
  export function NavLink(props: Base & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href' | 'children'> & {
    to: string; exact?: boolean; activeClassName?: string; activeStyle?: CSSProperties; replace?: boolean;
    children?: ReactNode | ((state: { active: boolean }) => ReactNode);
  }): Node;
  export function Navigate(props: { to: string; replace?: boolean }): null;
  export function useHashRouter(): {
    path: string;
    /** Parameters of the matched <Route> (":id" segments). */
    params: Record<string, string>;
    /** Query parameters after '?' in the hash. */
    query: Record<string, string>;
    navigate(to: string, options?: { replace?: boolean }): void;
  };
  export function matchPath(pattern: string | undefined, path: string): Record<string, string> | null;
  export function hashNavigate(to: string, options?: { replace?: boolean }): void;

  // ============================================================ helpers
  /** Minimal, safe markdown (headings, emphasis, code, links, lists, quotes, rules) to React elements. */
  export function renderMarkdown(markdown: string): ReactElement[];
  export function toISODate(date: Date): string;
  export function parseISODate(value: string | Date | null | undefined): Date | null;
  export function formatBytes(bytes: number): string;
}
