const importPlugin = require('eslint-plugin-import');

/**
 * The floors of src/, lowest first, and what each may import besides its own folder
 * (docs/architecture.md explains them). Every other import between these folders is an error, and
 * so is any import cycle.
 */
const LAYERS = {
  core: [],
  protocols: ['core'],
  'package-dir.ts': [],
  // config's warnings ask protocols/reach which servers a format can describe (pure, over settings).
  config: ['core', 'protocols'],
  dns: ['core'],
  pages: ['core', 'dns', 'package-dir.ts', 'protocols'],
  import: ['core', 'config'],
  // SQL domain sources: rows read, checked and resolved like YAML domains.
  sources: ['core', 'config'],
  // The static autoconfig tree and the web server snippets that serve it.
  export: ['core', 'protocols'],
  catalog: ['core', 'config', 'dns', 'protocols', 'sources'],
  endpoints: ['core', 'catalog', 'dns', 'pages', 'protocols', 'sources'],
  http: ['core', 'catalog', 'endpoints', 'sources'],
  // Mail server probes (IMAP, POP3, SMTP); the dialer resolves through check's DNS client.
  probe: ['core', 'check'],
  check: ['core', 'catalog', 'dns', 'endpoints', 'probe', 'protocols'],
  server: ['core', 'catalog', 'config', 'http', 'sources'],
  cli: [
    'core',
    'catalog',
    'check',
    'config',
    'dns',
    'endpoints',
    'export',
    'import',
    'package-dir.ts',
    'probe',
    'protocols',
    'server',
    'sources',
  ],
  bin: ['cli'],
};

/** ESLint flat-config entries enforcing {@link LAYERS} under `src` (relative to the lint root). */
function layerRules(src = 'src') {
  const names = Object.keys(LAYERS);
  const zones = names.map((layer) => ({
    target: `./${src}/${layer}`,
    from: names
      .filter((other) => other !== layer && !LAYERS[layer].includes(other))
      .map((other) => `./${src}/${other}`),
    message: `${layer} may import only ${LAYERS[layer].join(', ') || 'nothing outside itself'} (eslint.layers.js)`,
  }));
  return {
    files: [`${src}/**/*.ts`],
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
    },
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': ['error', { zones }],
    },
  };
}

module.exports = { LAYERS, layerRules };
