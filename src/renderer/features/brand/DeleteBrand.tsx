import { useEffect, useId, useRef, useState } from 'react';
import type { Brand } from '../../../shared/contract/schemas/brands';
import { useBrandStore } from './brandStore';

/** Deleting is two steps: ask, then confirm in a panel that says what goes with it. */
export function DeleteBrand({ brand }: { brand: Brand }) {
  const remove = useBrandStore((s) => s.remove);
  const uid = useId();
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const askRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    // Focus goes to the safe choice when the question opens, and back when it closes.
    if (confirming) cancelRef.current?.focus();
    else if (wasConfirming.current) askRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  async function confirm() {
    setDeleting(true);
    setError(null);
    const result = await remove(brand.id);
    setDeleting(false);
    if (!result.ok) setError(result.error.message);
  }

  return (
    <section className="danger-zone" aria-labelledby={`${uid}-title`}>
      <h3 id={`${uid}-title`}>Delete this brand</h3>
      {!confirming ? (
        <>
          <p>Deleting removes the brand with its connected accounts and posts. It cannot be undone.</p>
          <button ref={askRef} type="button" className="button button--danger-quiet" onClick={() => setConfirming(true)}>
            Delete brand…
          </button>
        </>
      ) : (
        <div
          role="alertdialog"
          aria-labelledby={`${uid}-question`}
          className="confirm"
          data-testid="confirm-delete"
          onKeyDown={(event) => {
            if (event.key === 'Escape') setConfirming(false);
          }}
        >
          <p id={`${uid}-question`}>
            Delete “{brand.name}” with its accounts and posts? This cannot be undone.
          </p>
          {error ? (
            <p className="callout callout--error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="confirm__actions">
            <button type="button" className="button button--danger" onClick={confirm} disabled={deleting}>
              {deleting ? 'Deleting…' : `Delete “${brand.name}”`}
            </button>
            <button ref={cancelRef} type="button" className="button" onClick={() => setConfirming(false)} disabled={deleting}>
              Keep it
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
