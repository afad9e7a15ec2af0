import { cardCodeVisible, orderDisclosure, viewerOf } from '../../src/policy';

describe('one policy: what a viewer of an order is shown', () => {
  it('shows the buyer the total, the payment, the invoice and the after-sales links', () => {
    expect(orderDisclosure('buyer')).toEqual({ total: true, payment: true, invoice: true, afterSales: true });
  });

  it("shows a gift's receiver neither the buyer's total nor the payment, nor the buyer's after-sales links", () => {
    expect(orderDisclosure('receiver')).toEqual({ total: false, payment: false, invoice: false, afterSales: false });
  });

  it("names the landing page's roles as the API names them", () => {
    expect(viewerOf('buyer')).toBe('buyer');
    expect(viewerOf('accepter')).toBe('receiver');
    expect(viewerOf('card_accepter')).toBe('receiver');
  });

  it("shows a card's code to its holder only", () => {
    expect(cardCodeVisible({ owner: 'o_a' }, 'o_a')).toBe(true);
    expect(cardCodeVisible({ owner: 'o_a' }, 'o_b')).toBe(false);
    expect(cardCodeVisible({ owner: undefined }, 'o_a')).toBe(false);
    expect(cardCodeVisible({ owner: '' }, '')).toBe(false);
  });
});
