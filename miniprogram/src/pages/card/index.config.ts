export default definePageConfig({
  navigationBarTitleText: '礼品卡',
})
