// One jest run over every package, so `pnpm test` ends with one summary line.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022' }, module: { type: 'commonjs' } }];
const shared = {
  transform: { '^.+\\.(t|j)sx?$': swc },
  moduleNameMapper: {
    '^@giftcard/shared$': '<rootDir>/../shared/src/index.ts',
    '^@giftcard/shared/(.*)$': '<rootDir>/../shared/src/$1',
    '^@giftcard/sandbox$': '<rootDir>/../sandbox/src/index.ts',
    '^@giftcard/sandbox/(.*)$': '<rootDir>/../sandbox/src/$1',
  },
  testEnvironment: 'node',
  // TypeScript sources first: a stray compiled .js beside a .ts must never shadow it.
  moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'json'],
};
module.exports = {
  // Integration tests run the whole push path on a 2-core machine beside other suites.
  testTimeout: 20_000,
  projects: [
    { ...shared, displayName: 'shared', rootDir: '<rootDir>/shared', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    { ...shared, displayName: 'sandbox', rootDir: '<rootDir>/sandbox', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    { ...shared, displayName: 'bff', rootDir: '<rootDir>/bff', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      rootDir: '<rootDir>/test',
      testMatch: ['<rootDir>/integration/**/*.test.ts', '<rootDir>/fault/**/*.test.ts', '<rootDir>/e2e/**/*.test.ts'],
    },
    {
      // Taro pages and services in jsdom, with @tarojs/taro and @tarojs/components replaced by small doubles.
      displayName: 'miniprogram',
      rootDir: '<rootDir>/miniprogram',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/test/**/*.test.ts?(x)'],
      setupFiles: ['<rootDir>/test/setup.ts'],
      transform: {
        '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } }, module: { type: 'commonjs' } }],
      },
      moduleNameMapper: {
        '^@tarojs/taro$': '<rootDir>/test/doubles/taro.ts',
        '^@tarojs/components$': '<rootDir>/test/doubles/components.tsx',
        '\\.css$': '<rootDir>/test/doubles/style.ts',
        '^@giftcard/shared/(api|protocol)$': '<rootDir>/../shared/src/$1/index.ts',
        '^@giftcard/shared/(money|card-status)$': '<rootDir>/../shared/src/$1.ts',
      },
      moduleFileExtensions: shared.moduleFileExtensions,
    },
  ],
  reporters: ['default', '<rootDir>/scripts/summary-reporter.js'],
};
