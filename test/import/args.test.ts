import { describe, expect, it } from 'vitest';
import { parseImportArgs } from '../../src/import/args.js';

describe('parseImportArgs', () => {
  it('reads entity, file, repeated --map and --default, and --skip-invalid', () => {
    expect(
      parseImportArgs([
        'Opportunities',
        'deals.csv',
        '--map',
        'opportunity_id=external_id',
        '--map=sales_agent=owner_name',
        '--default',
        'created_at=2017-12-31',
        '--skip-invalid',
      ]),
    ).toEqual({
      entity: 'opportunities',
      file: 'deals.csv',
      map: [
        ['opportunity_id', 'external_id'],
        ['sales_agent', 'owner_name'],
      ],
      defaults: { created_at: '2017-12-31' },
      skipInvalid: true,
    });
  });

  it('lets one source column feed two fields', () => {
    expect(parseImportArgs(['accounts', 'a.csv', '--map', 'id=external_id', '--map', 'id=name']).map).toEqual(
      [
        ['id', 'external_id'],
        ['id', 'name'],
      ],
    );
  });

  it('explains what is wrong in one sentence', () => {
    expect(() => parseImportArgs(['leads'])).toThrow('expected an entity and a CSV file');
    expect(() => parseImportArgs(['deals', 'x.csv'])).toThrow(/unknown entity "deals"/);
    // Fresh tester helper-503 (LOW): a CRM's word or a slip names the entity to use.
    expect(() => parseImportArgs(['deals', 'x.csv'])).toThrow(
      'unknown entity "deals"; did you mean opportunities? (use one of teams, reps, leads, activities, accounts, opportunities, contracts, subscriptions)',
    );
    expect(() => parseImportArgs(['oportunities', 'x.csv'])).toThrow(/; did you mean opportunities\?/);
    expect(() => parseImportArgs(['Calls', 'x.csv'])).toThrow(/; did you mean activities\?/);
    expect(() => parseImportArgs(['widgets', 'x.csv'])).toThrow(/^unknown entity "widgets" \(use one of/);
    expect(() => parseImportArgs(['leads', 'x.csv', '--map', 'a'])).toThrow(/expected name=value/);
    expect(() => parseImportArgs(['leads', 'x.csv', '--map', 'a=amount'])).toThrow(
      /"amount" is not a leads field/,
    );
    expect(() => parseImportArgs(['leads', 'x.csv', '--default', 'colour=red'])).toThrow(
      /"colour" is not a leads field/,
    );
    // helper-188: "is not a opportunities field".
    expect(() => parseImportArgs(['opportunities', 'x.csv', '--default', 'foo=1'])).toThrow(
      /"foo" is not an opportunities field/,
    );
    expect(() => parseImportArgs(['leads', 'x.csv', '--dry-run'])).toThrow(/unknown option --dry-run/);
    expect(() => parseImportArgs(['leads', 'x.csv', '--map'])).toThrow(/needs a value/);
    // An unknown locale would read numbers as en-US ("1.500" as 1.5): refused, naming the option.
    expect(() => parseImportArgs(['opportunities', 'x.csv', '--locale', 'german'])).toThrow(
      '--locale: "german" is not a locale Tally knows how numbers are written in; use a tag such as en-US or de-DE',
    );
    expect(() => parseImportArgs(['opportunities', 'x.csv', '--locale', 'de_DE'])).toThrow(
      '--locale: "de_DE" is not a locale tag; did you mean de-DE?',
    );
    expect(parseImportArgs(['opportunities', 'x.csv', '--locale', 'de-DE']).decimal).toBe(',');
  });

  it('refuses --locale and --decimal that disagree, whatever their order, and takes them when they agree', () => {
    for (const argv of [
      ['--locale', 'de-DE', '--decimal', '.'],
      ['--decimal', '.', '--locale', 'de-DE'],
    ])
      expect(() => parseImportArgs(['opportunities', 'x.csv', ...argv])).toThrow(
        '--locale de-DE writes "," as the decimal mark but --decimal says ".": give one of them',
      );
    expect(parseImportArgs(['opportunities', 'x.csv', '--locale', 'de-DE', '--decimal', ',']).decimal).toBe(
      ',',
    );
  });
  it('refuses a --default amount with a decimal mark unless --locale or --decimal says how to read it', () => {
    // "1.234,56" on the command line is no evidence of how the file writes numbers: a tester saw it settle
    // a file's "4.200" as 4200.
    for (const value of ['1.234,56', '12.50', '4.200'])
      expect(() => parseImportArgs(['opportunities', 'x.csv', '--default', `amount=${value}`])).toThrow(
        `--default amount=${value} writes a decimal mark; give --locale or --decimal too`,
      );
    expect(() => parseImportArgs(['opportunities', 'x.csv', '--default', 'amount=lots'])).toThrow(
      '--default amount=lots: ',
    );
    expect(() =>
      parseImportArgs(['opportunities', 'x.csv', '--default', 'amount=12.50', '--locale', 'de-DE']),
    ).toThrow('--default amount=12.50: ');
    expect(parseImportArgs(['opportunities', 'x.csv', '--default', 'amount=100']).defaults).toEqual({
      amount: '100',
    });
    expect(
      parseImportArgs(['opportunities', 'x.csv', '--default', 'amount=1.234,56', '--locale', 'de-DE'])
        .defaults,
    ).toEqual({ amount: '1.234,56' });
  });
});
