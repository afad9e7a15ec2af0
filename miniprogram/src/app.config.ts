export default defineAppConfig({
  pages: ['pages/shelf/index'],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '礼品卡',
    navigationBarTextStyle: 'black',
  },
})
