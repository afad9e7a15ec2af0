// babel-preset-taro options: https://docs.taro.zone/docs/next/babel-config
// The framework follows config/index.ts: Preact for H5, React for weapp.
module.exports = {
  presets: [['taro', { framework: process.env.TARO_ENV === 'h5' ? 'preact' : 'react', ts: true, compiler: 'webpack5' }]],
}
