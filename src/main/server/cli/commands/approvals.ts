import { Option, type Command } from 'commander';
import { APPROVAL_STATUSES, type Approval } from '../../../../shared/contract/schemas/workflows';
import { findBrand } from '../brandLookup';
import { common, type CommonOptions } from '../common';
import { table } from '../output';
import { unwrap } from '../session';
import { oneLine, problemsText, settleLocally, withCliSession } from './run';

function approvalsTable(approvals: Approval[]): string {
  if (approvals.length === 0) return 'Nothing in the queue.';
  return table(
    approvals.map((a) => [
      a.id,
      a.brandName,
      a.draft.platform,
      a.voiceScore === null ? '' : String(a.voiceScore),
      problemsText(a),
      oneLine(a.draft.title || a.draft.text, 60),
    ]),
    ['ID', 'BRAND', 'PLATFORM', 'SCORE', 'PROBLEMS', 'TEXT'],
  );
}

function decided(verb: string, approval: Approval): string {
  return `${verb} ${approval.id} (${approval.draft.platform}, ${approval.brandName})${approval.postId ? `; post ${approval.postId}` : ''}.`;
}

interface ApproveOptions extends CommonOptions {
  comment?: string;
  text?: string;
  title?: string;
}

export function registerApprovals(program: Command): void {
  const approvals = program.command('approvals').description('the approval queue: drafts waiting for a person');

  common(approvals.command('list'))
    .description('list approvals, oldest first')
    .option('--brand <name>', 'only this brand’s approvals (name or id)')
    .addOption(new Option('--status <status>', 'which ones').choices(APPROVAL_STATUSES).default('pending'))
    .action(async (options: CommonOptions & { brand?: string; status: string }) => {
      await withCliSession(options, async (session, out) => {
        const brand = options.brand ? await findBrand(session, options.brand) : null;
        const list = unwrap<Approval[]>(await session.call('approvals.list', { ...(brand ? { brandId: brand.id } : {}), status: options.status }));
        out.data(list, () => approvalsTable(list));
      });
    });

  common(approvals.command('approve').argument('<id...>', 'one or more approval ids'))
    .description('approve drafts (one may be edited first with --text/--title); their runs carry on')
    .option('--comment <text>', 'a note for the history (one id only)')
    .option('--text <text>', 'replace the draft’s text before approving (one id only)')
    .option('--title <text>', 'replace the draft’s title before approving (one id only)')
    .action(async (ids: string[], options: ApproveOptions, command: Command) => {
      if (ids.length > 1 && (options.comment !== undefined || options.text !== undefined || options.title !== undefined)) {
        command.error('error: --comment, --text and --title apply to one approval at a time.', { exitCode: 2, code: 'chorus.usage' });
      }
      await withCliSession(options, async (session, out) => {
        if (ids.length === 1) {
          const edit = {
            ...(options.text !== undefined ? { text: options.text } : {}),
            ...(options.title !== undefined ? { title: options.title } : {}),
          };
          const approval = unwrap<Approval>(
            await session.call('approvals.approve', {
              id: ids[0],
              via: 'cli',
              ...(Object.keys(edit).length ? { edit } : {}),
              ...(options.comment !== undefined ? { comment: options.comment } : {}),
            }),
          );
          await settleLocally(session, [approval.runId], !!options.json);
          out.data(approval, () => decided(Object.keys(edit).length ? 'Edited and approved' : 'Approved', approval));
          return;
        }
        const result = unwrap<{ approved: Approval[]; refused: { id: string; message: string }[] }>(
          await session.call('approvals.approveMany', { ids, via: 'cli' }),
        );
        await settleLocally(session, result.approved.map((a) => a.runId), !!options.json);
        out.data(result, () =>
          [...result.approved.map((a) => decided('Approved', a)), ...result.refused.map((r) => `Not approved ${r.id}: ${r.message}`)].join('\n'),
        );
        if (result.refused.length) process.exitCode = 1;
      });
    });

  common(approvals.command('reject').argument('<id>', 'the approval id'))
    .description('reject a draft, saying why; the comment goes into the post’s history')
    .requiredOption('--comment <text>', 'why (required)')
    .action(async (id: string, options: CommonOptions & { comment: string }) => {
      await withCliSession(options, async (session, out) => {
        const approval = unwrap<Approval>(await session.call('approvals.reject', { id, comment: options.comment, via: 'cli' }));
        await settleLocally(session, [approval.runId], !!options.json);
        out.data(approval, () => decided('Rejected', approval));
      });
    });
}
