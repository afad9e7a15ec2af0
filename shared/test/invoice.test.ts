import { invoiceRequestInput } from '../src/api/invoice';

const base = { type: 'company' as const, tax_no: '91440101MA59ABCD1X', email: 'fin@acme.cn' };
const title = (t: string) => invoiceRequestInput.safeParse({ ...base, title: t });

describe('invoice request input', () => {
  it('takes the titles people write, Chinese and mixed, and trims them', () => {
    expect(title('微信咖啡厅（广州）有限公司').success).toBe(true);
    expect(title('ACME Co., Ltd. 🎁').success).toBe(true);
    expect(title('  腾讯科技  ').data?.title).toBe('腾讯科技');
  });

  it('refuses control characters, bidi overrides and isolates, and lone surrogates', () => {
    for (const bad of ['腾讯\u0000科技', '腾讯\n科技', 'ACME\u0085', '\u202eACME', 'ACME\u2066x\u2069', 'A\ud83cB', 'A\udf81B', 'end\ud83c']) {
      const r = title(bad);
      expect([JSON.stringify(bad), r.success]).toEqual([JSON.stringify(bad), false]);
      expect(r.error!.issues[0]!.path).toEqual(['title']);
    }
  });

  it('normalises a tax number typed in lower case or with spaces', () => {
    expect(invoiceRequestInput.parse({ ...base, title: 'ACME', tax_no: '91440101ma59 abcd1x' }).tax_no).toBe('91440101MA59ABCD1X');
    expect(invoiceRequestInput.safeParse({ ...base, title: 'ACME', tax_no: '9144-0101' }).success).toBe(false);
  });
});
