export default defineAppConfig({
  pages: ['pages/shelf/index', 'pages/orders/index', 'pages/order/index', 'pages/card/index', 'pages/cards/index', 'pages/invoice/index', 'pages/web/index', 'pages/not-found/index'],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f7f7f7',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '礼品卡',
    navigationBarTextStyle: 'black',
  },
})
