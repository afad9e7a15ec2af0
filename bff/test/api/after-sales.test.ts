import { afterSalesLinks } from '../../src/api/after-sales';

describe('afterSalesLinks', () => {
  it("adds order_id and the buyer's openid to each cell's url, keeping its own query and fragment", () => {
    const links = afterSalesLinks(
      { cell_1: { title: '申请发票', url: 'https://m.example/invoice?from=shelf#top' }, cell_2: { title: '退款', url: 'https://m.example' } },
      'ORDER 1',
      'o_buyer',
    );
    expect(links).toEqual([
      { title: '申请发票', url: 'https://m.example/invoice?from=shelf&order_id=ORDER%201&openid=o_buyer#top' },
      { title: '退款', url: 'https://m.example/?order_id=ORDER%201&openid=o_buyer' },
    ]);
  });

  it('leaves out a missing cell and one whose url is not http(s)', () => {
    expect(afterSalesLinks({ cell_2: { title: '客服', url: 'javascript:alert(1)' } }, 'o1', 'o_buyer')).toEqual([]);
    expect(afterSalesLinks({ cell_1: { title: '客服', url: 'weixin://dl/business' }, cell_2: { title: '退款', url: 'http://m.example/r' } }, 'o1', 'u')).toEqual([
      { title: '退款', url: 'http://m.example/r?order_id=o1&openid=u' },
    ]);
  });
});
