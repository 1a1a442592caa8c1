import { PLATFORM_LABELS, PLATFORMS, type Platform } from '../../../shared/platforms';

const LABELS: Record<string, string> = {
  callToAction: 'Call to action',
  text: 'Text',
  hashtags: 'Hashtags',
  notes: 'Notes for the reviewer',
  platform: 'Platform',
};

/** "callToAction" → "Call to action". */
export function humanize(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isPlatform = (value: unknown): value is Platform => typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);

/**
 * An agent's structured output as a person reads it: labelled fields, lists as
 * lists, long text with its line breaks. Any schema works; nothing is hidden.
 */
export function RunOutput({ value }: { value: unknown }) {
  return (
    <div className="run-output" data-testid="run-output">
      <OutputValue value={value} name={null} depth={0} />
    </div>
  );
}

function OutputValue({ value, name, depth }: { value: unknown; name: string | null; depth: number }) {
  if (value === null || value === undefined) return <span className="muted">none</span>;
  if (typeof value === 'string') {
    if (name === 'platform' && isPlatform(value)) return <span>{PLATFORM_LABELS[value]}</span>;
    if (value === '') return <span className="muted">empty</span>;
    return <p className="run-output__text">{value}</p>;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return <span>{String(value)}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    if (name === 'hashtags' && value.every((v) => typeof v === 'string')) {
      return (
        <ul className="run-output__tags">
          {value.map((tag, index) => (
            <li key={index}>#{String(tag).replace(/^#/, '')}</li>
          ))}
        </ul>
      );
    }
    return (
      <ol className="run-output__list">
        {value.map((item, index) => (
          <li key={index}>
            <OutputValue value={item} name={null} depth={depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return <span className="muted">none</span>;
    // Deep nesting is rare in agent outputs; past a few levels, JSON reads better.
    if (depth > 3) return <pre className="run-output__json">{JSON.stringify(value, null, 2)}</pre>;
    return (
      <dl className="run-output__fields">
        {entries.map(([key, item]) => (
          <div key={key} className="run-output__field" data-field={key}>
            <dt>{humanize(key)}</dt>
            <dd>
              <OutputValue value={item} name={key} depth={depth + 1} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return <span>{String(value)}</span>;
}
