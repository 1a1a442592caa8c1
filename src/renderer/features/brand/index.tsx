import { useEffect } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { subscribe } from '../../lib/api';
import { BrandForm } from './BrandForm';
import { useBrandStore } from './brandStore';
import { DeleteBrand } from './DeleteBrand';
import { WorkflowSettingsSection } from './WorkflowSettingsSection';

export function BrandPage() {
  const brands = useBrandStore((s) => s.brands);
  const loadStatus = useBrandStore((s) => s.loadStatus);
  const loadError = useBrandStore((s) => s.loadError);
  const selection = useBrandStore((s) => s.selection);
  const notice = useBrandStore((s) => s.notice);
  const load = useBrandStore((s) => s.load);
  const select = useBrandStore((s) => s.select);

  useEffect(() => {
    void load();
    // Another window, tab or the CLI may change brands too.
    return subscribe('brands.changed', () => void load());
  }, [load]);

  const selected = selection.kind === 'edit' ? brands.find((b) => b.id === selection.id) : undefined;
  const newButton = (
    <button type="button" className="button button--primary" onClick={() => select({ kind: 'new' })}>
      New brand
    </button>
  );

  return (
    <div className="page">
      <PageHeader
        title="Brand"
        description="Who each brand is and how it speaks. Every agent works from these profiles."
        actions={newButton}
      />

      <p className="status-line" role="status" data-testid="brand-notice">
        {notice ?? ''}
      </p>

      <div className="split">
        <aside className="split__list" aria-label="Brands">
          {loadStatus === 'failed' ? (
            <div className="callout callout--error" role="alert">
              <p>The brands could not be loaded: {loadError}</p>
              <button type="button" className="button" onClick={() => void load()}>
                Try again
              </button>
            </div>
          ) : loadStatus !== 'ready' ? (
            <p className="muted">Loading brands…</p>
          ) : brands.length === 0 ? (
            <p className="muted">No brands yet.</p>
          ) : (
            <ul className="item-list" data-testid="brand-list">
              {brands.map((brand) => {
                const current = selected?.id === brand.id;
                return (
                  <li key={brand.id} data-testid="brand-item">
                    <button
                      type="button"
                      className="item-list__button"
                      aria-current={current ? 'true' : undefined}
                      onClick={() => select({ kind: 'edit', id: brand.id })}
                    >
                      <span className="item-list__title">{brand.name}</span>
                      <span className="item-list__meta">{brand.timezone}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </aside>

        <div className="split__detail">
          {selection.kind === 'new' ? (
            <BrandForm key="new" />
          ) : selected ? (
            <>
              <BrandForm key={selected.id} brand={selected} />
              <WorkflowSettingsSection key={`workflows-${selected.id}`} brandId={selected.id} />
              <DeleteBrand key={`delete-${selected.id}`} brand={selected} />
            </>
          ) : (
            <EmptyState
              title={brands.length === 0 ? 'Start with your first brand' : 'Choose a brand'}
              action={
                brands.length === 0 ? (
                  <button type="button" className="button" onClick={() => select({ kind: 'new' })}>
                    Create a brand
                  </button>
                ) : undefined
              }
            >
              <p>
                {brands.length === 0
                  ? 'A brand holds the voice, audience and rules the agents follow when they plan and draft posts.'
                  : 'Pick a brand on the left to edit it, or create a new one.'}
              </p>
            </EmptyState>
          )}
        </div>
      </div>
    </div>
  );
}
