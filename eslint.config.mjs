import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test/vscode/**',
      'test-results/**',
      '.cache/**',
      'out/**',
      '**/*.mjs',
      'images/**',
      'sample/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // The domain core and the language server never reach VS Code's API.
    files: ['src/core/**', 'src/ncsconf/**', 'src/server/**', 'src/cli/**', 'src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'core/, ncsconf/, server/, cli/ and shared/ never import vscode',
            },
          ],
        },
      ],
    },
  },
  {
    // The server talks to the client's log only through connection.console.
    files: ['src/server/**', 'src/ncsconf/**'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
