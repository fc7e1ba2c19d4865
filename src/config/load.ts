import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { runInSlices, runToEnd } from '../core/steps';
import { normalizeDomain } from '../core/address';
import type { DomainSettings, ServiceSettings } from '../core/settings';
import { listConfigFiles } from './config-files';
import { formatProblem, type ConfigProblem, type PathSegment } from './problems';
import { resolveSteps, type DomainEntrySource, type ProfileSource } from './resolve';
import { collectKeys, toSchemaIssues } from './schema-issues';
import { domainEntrySchema, multiFileSchema, singleDomainFileSchema, type ServiceInput } from './schema';
import { readSigningFiles, type SigningField, type SigningFiles, type SigningTexts } from './signing';
import type { SourceInput } from './sources-schema';
import { YamlSource } from './yaml-source';

export interface LoadedConfig {
  readonly domains: readonly DomainSettings[];
  readonly service: ServiceSettings;
  readonly files: readonly string[];
  readonly warnings: readonly ConfigProblem[];
  /** Warnings beyond the requested limit: counted, not listed. */
  readonly warningsNotShown: number;
  /** The PEM texts of `service.signing`, when set. */
  readonly signing?: SigningTexts;
  /** The SQL sources of `sources:`, with where they were written and what paths are relative to. */
  readonly sources?: ConfiguredSources;
  /** The profiles, for resolving the rows of SQL sources the way YAML domains are resolved. */
  readonly profiles?: readonly ProfileSource[];
  /** Domain and alias names whose YAML entry says `overridesSources: true`. */
  readonly sourceOverrides?: ReadonlySet<string>;
  /** SHA-256 of every file's text in load order: one part of the config version. */
  readonly digest?: string;
}

export interface ConfiguredSources {
  readonly list: readonly SourceInput[];
  /** The file that holds `sources:` (as shown in messages). */
  readonly file: string;
  /** Directory that `urlFile` and `tls.ca` are relative to. */
  readonly baseDir: string;
}

/** What a {@link WholeConfigCheck} sees: the resolved settings and the signing files. */
export interface WholeConfig {
  readonly domains: readonly DomainSettings[];
  readonly service: ServiceSettings;
  readonly signing: SigningTexts | undefined;
  readonly now: Date;
}

/** How a {@link WholeConfigCheck} reports, located like every other problem. */
export interface WholeConfigReport {
  warnAboutDomain(settings: DomainSettings, path: readonly PathSegment[], message: string): void;
  signingProblem(field: SigningField, message: string, severity: 'error' | 'warning'): void;
}

/**
 * Checks that need more than settings (the DNS view of the whole config, a signer made of the key
 * files), run by the layer above once the settings are resolved, so this layer yields settings only.
 * A check over every domain is a generator that yields between slices, like the loader itself.
 */
export type WholeConfigCheck = (
  config: WholeConfig,
  report: WholeConfigReport,
) => void | Generator<void, void>;

export type LoadResult =
  | { ok: true; config: LoadedConfig }
  | { ok: false; errors: ConfigProblem[]; warnings: ConfigProblem[]; warningsNotShown: number };

/** Where signing files are read from, and how many warnings to locate (default: all). */
export interface LoadOptions extends SigningFiles {
  readonly warningLimit?: number;
  readonly check?: WholeConfigCheck;
}

export interface ConfigText {
  /** Name used in messages (a path relative to where the admin runs the command). */
  readonly file: string;
  readonly text: string;
}

const KNOWN_KEYS = collectKeys(multiFileSchema).concat(collectKeys(domainEntrySchema));

/** Reads and validates a config directory. Never throws for bad content; only for an unreadable dir. */
export async function loadConfigDir(
  dir: string,
  options: { displayBase?: string; warningLimit?: number; check?: WholeConfigCheck } = {},
): Promise<LoadResult> {
  const { files, refused } = await listConfigFiles(dir);
  const base = options.displayBase ?? process.cwd();
  if (refused.length > 0) {
    return {
      ok: false,
      errors: refused.map(({ path, reason }) => {
        const shown = relative(base, path);
        return {
          severity: 'error' as const,
          file: shown.startsWith('..') ? path : shown,
          line: 1,
          col: 1,
          path: '',
          message: reason,
        };
      }),
      warnings: [],
      warningsNotShown: 0,
    };
  }
  const texts = await Promise.all(
    files.map(async (file) => {
      const shown = relative(base, file);
      return { file: shown.startsWith('..') ? file : shown, text: await readFile(file, 'utf8') };
    }),
  );
  if (texts.length === 0) {
    return {
      ok: false,
      errors: [
        { severity: 'error', file: dir, line: 1, col: 1, path: '', message: 'no .yaml or .yml files found' },
      ],
      warnings: [],
      warningsNotShown: 0,
    };
  }
  return loadConfigTextsInSlices(texts, {
    baseDir: dir,
    ...(options.warningLimit !== undefined && { warningLimit: options.warningLimit }),
    ...(options.check && { check: options.check }),
  });
}

/**
 * The pure part of loading: text in, validated settings or every problem out. Only the signing
 * certificate and key named in `service.signing` are read, relative to `files.baseDir`.
 */
export function loadConfigTexts(
  texts: readonly ConfigText[],
  files: LoadOptions = { baseDir: process.cwd() },
): LoadResult {
  return runToEnd(loadSteps(texts, files));
}

/**
 * {@link loadConfigTexts} in slices, giving the event loop a turn between them, so a server
 * reloading a config of 100,000 domains keeps answering while it reads: no slice blocks it for
 * more than the time of one file or of a few thousand domains.
 */
export async function loadConfigTextsInSlices(
  texts: readonly ConfigText[],
  files: LoadOptions = { baseDir: process.cwd() },
): Promise<LoadResult> {
  return runInSlices(loadSteps(texts, files));
}

/** The loader as a generator that pauses (yields) after each file and each slice of domains. */
function* loadSteps(texts: readonly ConfigText[], files: LoadOptions): Generator<void, LoadResult> {
  const errors: ConfigProblem[] = [];
  const profiles: ProfileSource[] = [];
  const entries: DomainEntrySource[] = [];
  let service: { value: ServiceInput; source: YamlSource } | undefined;
  let sources: { value: readonly SourceInput[]; source: YamlSource } | undefined;
  const sourceOverrides = new Set<string>();
  const digest = createHash('sha256');

  for (const { file, text } of texts) {
    yield;
    digest.update(`${text.length}\n`).update(text);
    const source = new YamlSource(file, text);
    const syntax = source.syntaxProblems();
    if (syntax.length > 0) {
      errors.push(...syntax);
      continue;
    }
    const read = source.toData();
    if (!read.ok) {
      errors.push(read.problem);
      continue;
    }
    const data = read.data;
    if (data === null || data === undefined) continue; // an empty file is allowed (e.g. all commented out)
    if (typeof data !== 'object' || Array.isArray(data)) {
      errors.push(
        source.problem([], 'expected a mapping with "domain:" or with "domains:", "profiles:", "service:"'),
      );
      continue;
    }
    const single = 'domain' in data;
    const reportIssues = (issues: Parameters<typeof toSchemaIssues>[0]) => {
      for (const issue of toSchemaIssues(issues, KNOWN_KEYS)) {
        errors.push(
          source.problem(issue.path, issue.message, issue.key === undefined ? {} : { key: issue.key }),
        );
      }
    };
    if (single) {
      const parsed = singleDomainFileSchema.safeParse(data, { reportInput: true });
      if (parsed.success) {
        if (parsed.data.overridesSources) noteOverrides(sourceOverrides, parsed.data);
        entries.push({ entry: parsed.data, source, path: [] });
      } else reportIssues(parsed.error.issues);
      continue;
    }
    const parsed = multiFileSchema.safeParse(data, { reportInput: true });
    if (!parsed.success) {
      reportIssues(parsed.error.issues);
      continue;
    }
    const multi = parsed.data;
    if (multi.service) {
      if (service) {
        const first = service.source.locate(['service']);
        errors.push(
          source.problem(
            ['service'],
            `service settings are already defined at ${service.source.file}:${first.line}:${first.col}`,
          ),
        );
      } else {
        service = { value: multi.service, source };
      }
    }
    if (multi.sources) {
      if (sources) {
        const first = sources.source.locate(['sources']);
        errors.push(
          source.problem(
            ['sources'],
            `sources are already defined at ${sources.source.file}:${first.line}:${first.col}`,
          ),
        );
      } else {
        sources = { value: multi.sources, source };
      }
    }
    for (const [name, profile] of Object.entries(multi.profiles ?? {})) {
      profiles.push({ name, profile, source, path: ['profiles', name] });
    }
    const defaults = multi.defaults ?? {};
    (multi.domains ?? []).forEach((item, index) => {
      const entry = typeof item === 'string' ? { domain: item } : item;
      if (entry.overridesSources) noteOverrides(sourceOverrides, entry);
      entries.push({
        entry: { ...defaults, ...entry },
        source,
        path: ['domains', index],
        ...(entry.extends === undefined &&
          defaults.extends !== undefined && { extendsPath: ['defaults', 'extends'] }),
      });
    });
  }

  const resolved = yield* resolveSteps({
    profiles,
    entries,
    service: service?.value ?? {},
    ...(files.warningLimit !== undefined && { warningLimit: files.warningLimit }),
  });
  errors.push(...resolved.errors);
  const signingSource = service?.value.signing ? service.source : undefined;
  const signing =
    service?.value.signing && signingSource
      ? readSigningFiles(service.value.signing, signingSource, files)
      : undefined;
  if (signing) errors.push(...signing.errors);
  const extraWarnings: ConfigProblem[] = [];
  if (files.check) {
    yield;
    const checking = files.check(
      {
        domains: resolved.domains,
        service: resolved.service,
        signing: signing?.texts,
        now: files.now ?? new Date(),
      },
      {
        warnAboutDomain: resolved.warnAboutDomain,
        signingProblem: (field, message, severity) => {
          const problem = (signingSource as YamlSource).problem(['service', 'signing', field], message, {
            severity,
          });
          (severity === 'error' ? errors : extraWarnings).push(problem);
        },
      },
    );
    if (checking) yield* checking;
  }
  const warnings = [...resolved.warnings, ...extraWarnings];
  const warningsNotShown = resolved.notShown();
  if (errors.length > 0)
    return { ok: false, errors: sortProblems(errors), warnings: sortProblems(warnings), warningsNotShown };
  return {
    ok: true,
    config: {
      domains: resolved.domains,
      service: resolved.service,
      files: texts.map((t) => t.file),
      warnings: sortProblems(warnings),
      warningsNotShown,
      ...(signing?.texts && { signing: signing.texts }),
      ...(sources && {
        sources: { list: sources.value, file: sources.source.file, baseDir: files.baseDir },
      }),
      profiles,
      sourceOverrides,
      digest: digest.digest('hex'),
    },
  };
}

function noteOverrides(
  names: Set<string>,
  entry: { domain: string; aliases?: readonly string[] | undefined },
): void {
  for (const name of [entry.domain, ...(entry.aliases ?? [])]) {
    const normal = normalizeDomain(name);
    if (normal !== undefined) names.add(normal);
  }
}

/** By file and position, once each: a profile error shared by many domains is reported once. */
function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((problem) => {
      const key = formatProblem(problem);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1));
}
