import type { ApprovalDraft } from '../../../shared/contract/schemas/workflows';
import { measureText, PLATFORM_LABELS, rulesFor } from '../../../shared/platforms';
import { formatInZone } from '../calendar/zonedTime';
import { counterText, isOver, unitHint } from '../composer/composerDraft';

const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The proposed time in the brand's zone when it is known, else on this computer's clock. */
export function proposedTimeText(proposedAt: string, timeZone: string | undefined): string {
  if (timeZone) return formatInZone(proposedAt, timeZone);
  return `${localTime.format(new Date(proposedAt))} (your time)`;
}

/**
 * How the draft reads on its platform, read-only: the same counters the
 * composer's preview shows, so a person sees what goes out and whether it fits.
 */
export function DraftPreview({ draft, timeZone }: { draft: ApprovalDraft; timeZone: string | undefined }) {
  const platform = draft.platform;
  const parts = [draft.text, ...draft.thread];
  const takesTitle = rulesFor(platform).title !== null;

  return (
    <section className={`preview preview--${platform}`} aria-label={`${PLATFORM_LABELS[platform]} preview`} data-testid="draft-preview">
      <header className="preview__head">
        <h3>
          <span className={`platform-dot platform-dot--${platform}`} aria-hidden="true" />
          {PLATFORM_LABELS[platform]}
        </h3>
      </header>

      {draft.title !== '' || takesTitle ? (
        <p className="draft-preview__title" data-testid="draft-title">
          {draft.title === '' ? <span className="muted">No title.</span> : draft.title}
        </p>
      ) : null}

      {parts.map((part, i) => {
        const measure = measureText(platform, part);
        return (
          <div key={i} className={i === 0 ? 'preview__part' : 'preview__part draft-preview__reply'}>
            <p className="preview__text" data-testid="draft-part">
              {part === '' ? <span className="muted">Empty.</span> : part}
            </p>
            <p className={isOver(measure) ? 'counter counter--over' : 'counter'} title={unitHint(platform)}>
              {parts.length > 1 ? `Part ${i + 1}: ` : ''}
              {counterText(measure)}
            </p>
          </div>
        );
      })}

      <dl className="facts facts--compact">
        {draft.hashtags.length > 0 ? (
          <>
            <dt>Hashtags</dt>
            <dd data-testid="draft-hashtags">{draft.hashtags.map((tag) => `#${tag.replace(/^#/, '')}`).join(' ')}</dd>
          </>
        ) : null}
        {draft.altText !== '' ? (
          <>
            <dt>Alt text</dt>
            <dd data-testid="draft-alt">{draft.altText}</dd>
          </>
        ) : null}
        {draft.visualIdea !== '' ? (
          <>
            <dt>Visual idea</dt>
            <dd data-testid="draft-visual">{draft.visualIdea}</dd>
          </>
        ) : null}
        <dt>Goes out</dt>
        <dd data-testid="draft-proposed">
          {draft.proposedAt ? proposedTimeText(draft.proposedAt, timeZone) : <span className="muted">No time proposed yet.</span>}
        </dd>
      </dl>
    </section>
  );
}
