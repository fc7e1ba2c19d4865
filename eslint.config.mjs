import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './eslint.layers.js';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-output/', 'bench-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-checked rules (no-unsafe-*, no-floating-promises, no-misused-promises, ...): they see
    // what the compiler knows, so an `any` from JSON.parse or a forgotten await is caught here.
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // Floors of src/ and no import cycles: see eslint.layers.js.
  layers.layerRules('src'),
  {
    // jest's asymmetric matchers (expect.stringContaining, expect.any, ...) are typed `any`, so
    // every expected object that uses one would need a cast. Member access, calls, arguments and
    // returns of `any` stay checked in tests too.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
