import { useEffect, useId, useRef, useState, type ChangeEvent, type DragEvent, type FormEvent } from 'react';
import type { ContractError } from '../../../shared/contract/errors';
import type { McpLogs } from './mcpStore';
import type { McpServerInfo, McpServerStatus } from '../../../shared/contract/schemas/mcp';
import { subscribe } from '../../lib/api';
import '../../styles/status.css';
import '../../styles/mcp.css';
import { useMcpStore } from './mcpStore';

/** The contract accepts at most 1,000,000 characters; a bigger file is surely not a config. */
export const MAX_CONFIG_BYTES = 1_000_000;

const STATUS_LABELS: Record<McpServerStatus, string> = {
  starting: 'Starting',
  running: 'Running',
  restarting: 'Restarting',
  stopped: 'Stopped',
  failed: 'Failed',
};

const STATUS_BADGES: Record<McpServerStatus, string> = {
  starting: 'badge badge--warning',
  running: 'badge badge--ok',
  restarting: 'badge badge--warning',
  stopped: 'badge',
  failed: 'badge badge--danger',
};

const EXAMPLE = `{
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/path/to/folder"]
    }
  }
}`;

/** MCP servers Chorus runs for its agents: their health, logs, and importing a config. */
export function McpSection() {
  const servers = useMcpStore((s) => s.servers);
  const status = useMcpStore((s) => s.status);
  const error = useMcpStore((s) => s.error);
  const load = useMcpStore((s) => s.load);
  const receive = useMcpStore((s) => s.receive);
  const importer = useConfigImport();
  const uid = useId();

  useEffect(() => {
    void load();
    return subscribe('mcp.status', receive);
  }, [load, receive]);

  return (
    // The whole section takes a dropped config file, not only the form.
    <section
      className={importer.dragging ? 'card mcp-section mcp-section--dragging' : 'card mcp-section'}
      aria-labelledby={`${uid}-title`}
      data-testid="mcp-section"
      {...importer.dropTarget}
    >
      <h2 id={`${uid}-title`}>MCP servers</h2>
      <p className="muted">
        Programs that give agents more tools, in the same <code>mcpServers</code> format Claude Desktop and Cursor use. Chorus
        starts them, restarts them when they crash, and asks you before any tool that changes something.
      </p>

      {status === 'failed' ? (
        <div className="callout callout--error" role="alert">
          <p>The MCP servers could not be listed: {error}</p>
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : status !== 'ready' ? (
        <p className="muted">Loading MCP servers…</p>
      ) : servers.length === 0 ? (
        <p data-testid="mcp-empty">No MCP servers yet. Import a config below to add some.</p>
      ) : (
        <ul className="mcp-list" data-testid="mcp-servers">
          {servers.map((server) => (
            <McpServerItem key={server.name} server={server} />
          ))}
        </ul>
      )}

      <McpImport state={importer} />
    </section>
  );
}

function McpServerItem({ server }: { server: McpServerInfo }) {
  const logs = useMcpStore((s) => s.logs[server.name]);
  const openLogs = useMcpStore((s) => s.openLogs);
  const closeLogs = useMcpStore((s) => s.closeLogs);
  const loadLogs = useMcpStore((s) => s.loadLogs);
  const restart = useMcpStore((s) => s.restart);
  const remove = useMcpStore((s) => s.remove);
  const uid = useId();
  const [busy, setBusy] = useState<'restart' | 'remove' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  async function doRestart() {
    setBusy('restart');
    setActionError(null);
    const result = await restart(server.name);
    setBusy(null);
    if (!result.ok) setActionError(result.error.message);
  }

  async function doRemove() {
    setBusy('remove');
    setActionError(null);
    const result = await remove(server.name);
    // On success this item is gone; only a failure needs the state back.
    if (!result.ok) {
      setBusy(null);
      setActionError(result.error.message);
    }
  }

  const logsId = `${uid}-logs`;
  return (
    <li className="mcp-server" data-testid="mcp-server" data-server={server.name}>
      <div className="mcp-server__head">
        <span className="mcp-server__name">{server.name}</span>
        <span className={STATUS_BADGES[server.status]} data-testid="mcp-status">
          {STATUS_LABELS[server.status]}
        </span>
        {server.disabled ? <span className="badge">Disabled in the config</span> : null}
        {server.restarts > 0 ? (
          <span className="mcp-server__restarts" data-testid="mcp-restarts">
            Restarted {server.restarts} {server.restarts === 1 ? 'time' : 'times'}
          </span>
        ) : null}
      </div>
      <p className="mcp-server__target">
        <span className="muted">{server.transport === 'http' ? 'URL' : 'Command'}: </span>
        <code>{server.target}</code>
        {server.pid !== null ? <span className="muted"> · process {server.pid}</span> : null}
      </p>
      {server.lastError ? (
        <p className="mcp-server__error" data-testid="mcp-last-error">
          <span className="mcp-server__error-label">Last error: </span>
          {server.lastError}
        </p>
      ) : null}
      <div className="mcp-server__tools">
        {server.tools.length === 0 ? (
          <span className="muted">No tools{server.status === 'running' ? '' : ' while it is not running'}.</span>
        ) : (
          <ul className="tool-chips" aria-label={`Tools of ${server.name}`} data-testid="mcp-tools">
            {server.tools.map((tool) => (
              <li key={tool.name} title={tool.description} className="tool-chip">
                <code>{tool.name}</code>
                {tool.effect === 'write' ? <span className="tool-chip__effect">asks first</span> : null}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="mcp-server__actions">
        <button
          type="button"
          className="button button--small"
          aria-expanded={Boolean(logs)}
          aria-controls={logsId}
          onClick={() => (logs ? closeLogs(server.name) : void openLogs(server.name))}
        >
          {logs ? 'Hide logs' : 'Show logs'}
        </button>
        <button type="button" className="button button--small" disabled={busy !== null || server.disabled} onClick={() => void doRestart()}>
          {busy === 'restart' ? 'Restarting…' : 'Restart'}
        </button>
        {confirming ? (
          <span className="mcp-server__confirm" role="group" aria-label={`Remove ${server.name}?`}>
            <span>Remove “{server.name}” and stop it?</span>
            <button type="button" className="button button--small button--danger" disabled={busy !== null} onClick={() => void doRemove()}>
              {busy === 'remove' ? 'Removing…' : 'Remove'}
            </button>
            <button type="button" className="button button--small" disabled={busy !== null} onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </span>
        ) : (
          <button type="button" className="button button--small button--danger-quiet" onClick={() => setConfirming(true)}>
            Remove…
          </button>
        )}
      </div>
      {actionError ? (
        <p className="callout callout--error" role="alert">
          {actionError}
        </p>
      ) : null}
      {logs ? <LogPanel id={logsId} server={server.name} logs={logs} onRefresh={() => void loadLogs(server.name)} /> : null}
    </li>
  );
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function LogPanel({ id, server, logs, onRefresh }: { id: string; server: string; logs: McpLogs; onRefresh: () => void }) {
  const endRef = useRef<HTMLLIElement>(null);
  const count = logs.status === 'ready' ? logs.lines.length : 0;

  useEffect(() => {
    // Newest lines are at the bottom; keep them in view as they arrive.
    endRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [count]);

  return (
    <div className="mcp-logs" id={id} role="region" aria-label={`Logs of ${server}`} data-testid="mcp-logs">
      <div className="mcp-logs__head">
        <span className="muted">The last 200 lines: what the server printed, and what Chorus noted. Secrets are hidden.</span>
        <button type="button" className="button button--small" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      {logs.status === 'loading' ? (
        <p className="muted">Loading logs…</p>
      ) : logs.status === 'failed' ? (
        <p className="callout callout--error">{logs.message}</p>
      ) : logs.lines.length === 0 ? (
        <p className="muted">Nothing logged yet.</p>
      ) : (
        <ol className="mcp-logs__lines">
          {logs.lines.map((line, index) => (
            <li key={index} ref={index === logs.lines.length - 1 ? endRef : undefined} className={`mcp-log mcp-log--${line.stream}`} data-testid="mcp-log-line">
              <time dateTime={line.at}>{timeFormat.format(new Date(line.at))}</time>
              <span className="mcp-log__stream">{line.stream === 'host' ? 'chorus' : 'stderr'}</span>
              <span className="mcp-log__text">{line.text}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** Each problem with its path ("mcpServers.github.command"), so the person knows which field to fix. */
function ImportErrors({ error }: { error: ContractError }) {
  // A path of just ["json"] means the text as a whole (not JSON at all): the message says it.
  const issues = (error.issues ?? []).filter((issue) => !(issue.path.length === 1 && issue.path[0] === 'json'));
  return (
    <div className="callout callout--error" role="alert" data-testid="mcp-import-error">
      <p>{issues.length ? 'The config was not imported. Fix these and try again:' : `The config was not imported: ${error.message}`}</p>
      {issues.length ? (
        <ul className="issue-list">
          {issues.map((issue, index) => (
            <li key={index} data-testid="mcp-import-issue">
              {issue.path.length ? <code>{issue.path.join('.')}</code> : null} {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The import form's state, and what a drop on the section does. */
function useConfigImport() {
  const importConfig = useMcpStore((s) => s.importConfig);
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'merge' | 'replace'>('merge');
  const [error, setError] = useState<ContractError | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);

  async function send(json: string) {
    setBusy(true);
    setError(null);
    setInfo(null);
    const result = await importConfig(json, mode);
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    // Pasted configs often carry tokens; they are in the keychain now, not here.
    setText('');
    setInfo(`Imported. ${result.data.length} ${result.data.length === 1 ? 'server is' : 'servers are'} configured.`);
  }

  async function readFile(file: File) {
    setInfo(null);
    if (file.size > MAX_CONFIG_BYTES) {
      setError({ code: 'invalid_input', message: `${file.name} is ${Math.ceil(file.size / 1024)} KB; a config is at most ${MAX_CONFIG_BYTES / 1000} KB.` });
      return;
    }
    let content: string;
    try {
      content = await file.text();
    } catch (caught) {
      setError({ code: 'invalid_input', message: `${file.name} could not be read: ${caught instanceof Error ? caught.message : String(caught)}` });
      return;
    }
    setText(content);
    await send(content);
  }

  function onDragOver(event: DragEvent<HTMLElement>) {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (!file) return;
    event.preventDefault();
    if (event.dataTransfer.files.length > 1) {
      setError({ code: 'invalid_input', message: 'Drop one config file at a time.' });
      return;
    }
    void readFile(file);
  }

  function onPick(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    // Picking the same file again should import it again.
    event.target.value = '';
    if (file) void readFile(file);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (text.trim() === '') {
      setError({ code: 'invalid_input', message: 'Paste a config first, or drop a .json file here.' });
      return;
    }
    void send(text);
  }

  return {
    text,
    setText,
    mode,
    setMode,
    error,
    setError,
    info,
    setInfo,
    busy,
    dragging,
    submit,
    onPick,
    dropTarget: { onDragOver, onDragEnter: onDragOver, onDragLeave: () => setDragging(false), onDrop },
  };
}

type ConfigImport = ReturnType<typeof useConfigImport>;

function McpImport({ state }: { state: ConfigImport }) {
  const { text, setText, mode, setMode, error, setError, setInfo, info, busy, submit, onPick } = state;
  const uid = useId();
  return (
    <form
      className="mcp-import"
      onSubmit={submit}
      noValidate
      aria-labelledby={`${uid}-title`}
      data-testid="mcp-import"
    >
      <h3 id={`${uid}-title`}>Import a config</h3>
      <div className="field">
        <label htmlFor={`${uid}-json`} className="field__label">
          Config JSON
        </label>
        <textarea
          id={`${uid}-json`}
          name="json"
          rows={10}
          spellCheck={false}
          className="mcp-import__text"
          placeholder={EXAMPLE}
          value={text}
          aria-invalid={Boolean(error)}
          aria-describedby={`${uid}-hint`}
          onChange={(event) => {
            setText(event.target.value);
            setError(null);
            setInfo(null);
          }}
        />
        <p className="field__hint" id={`${uid}-hint`}>
          Paste an <code>{'{"mcpServers": …}'}</code> config, or drop a .json file anywhere on this section. Tokens in it move to
          the keychain.
        </p>
      </div>
      {error ? <ImportErrors error={error} /> : null}
      <fieldset className="choice-group">
        <legend>How to import</legend>
        <label className="choice">
          <input type="radio" name={`${uid}-mode`} value="merge" checked={mode === 'merge'} onChange={() => setMode('merge')} />
          Add these servers (one with the same name is replaced)
        </label>
        <label className="choice">
          <input type="radio" name={`${uid}-mode`} value="replace" checked={mode === 'replace'} onChange={() => setMode('replace')} />
          Make this the whole config (servers not in it are removed)
        </label>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
        <label className="button mcp-import__pick">
          Choose a file…
          <input type="file" accept=".json,application/json" className="visually-hidden" onChange={onPick} data-testid="mcp-file" />
        </label>
        <p className="form-actions__info" role="status">
          {info ?? ''}
        </p>
      </div>
    </form>
  );
}
