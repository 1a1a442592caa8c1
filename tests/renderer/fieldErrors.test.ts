import { describe, expect, it } from 'vitest';
import { splitErrors } from '../../src/renderer/lib/fieldErrors';
import { splitList } from '../../src/renderer/lib/listText';

const FIELDS = ['name', 'timezone', 'defaultHashtags'] as const;

describe('splitErrors', () => {
  it('puts issues on the field named by path[0], or path[1] under "patch", keeping the first per field', () => {
    const split = splitErrors(
      {
        code: 'invalid_input',
        message: 'name: too long (and 2 more)',
        issues: [
          { path: ['name'], message: 'Too long.' },
          { path: ['name'], message: 'Second problem.' },
          { path: ['patch', 'timezone'], message: 'Not a zone.' },
        ],
      },
      FIELDS,
    );
    expect(split).toEqual({ fields: { name: 'Too long.', timezone: 'Not a zone.' }, general: null });
  });

  it('numbers list entries from 1 and keeps issues for unknown fields as a general message', () => {
    const split = splitErrors(
      {
        code: 'invalid_input',
        message: 'several',
        issues: [
          { path: ['defaultHashtags', 0], message: 'Letters only.' },
          { path: ['surprise'], message: 'Unrecognized key.' },
        ],
      },
      FIELDS,
    );
    expect(split).toEqual({ fields: { defaultHashtags: 'Entry 1: Letters only.' }, general: 'Unrecognized key.' });
  });

  it('uses the error message when no issue names a field', () => {
    expect(splitErrors({ code: 'not_found', message: 'No such brand.' }, FIELDS)).toEqual({
      fields: {},
      general: 'No such brand.',
    });
  });
});

describe('splitList', () => {
  it('splits on commas and new lines and drops blanks', () => {
    expect(splitList(' a, b\n\nc ,, \n d e ')).toEqual(['a', 'b', 'c', 'd e']);
  });
});
