/*
 * Parsed YAML and XML documents are walked by their field names as `any`: a wrong path fails the
 * assertion that reads it, which is what these tests check.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import * as models from 'kubernetes-models';
import { loadCatalogTexts } from '../../src/catalog/load';
import { REPO_ROOT } from '../helpers/example';
import { describeWithTools, runTool } from '../helpers/tools';

const KUSTOMIZE_ROOT = join(REPO_ROOT, 'deploy', 'kubernetes');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

/** The kubernetes-models class for an object, by apiVersion and kind (e.g. apps/v1 Deployment). */
function modelFor(manifest: Manifest): new (data: unknown) => { validate(): void } {
  const [group, version] = manifest.apiVersion.includes('/')
    ? manifest.apiVersion.split('/')
    : ['', manifest.apiVersion];
  const byGroup = models as unknown as Record<string, Record<string, Record<string, unknown>>>;
  const groupKey = group
    ? group.replace(/\.([a-z])/g, (_dot, letter: string) => letter.toUpperCase())
    : undefined;
  const versions = groupKey === undefined ? byGroup : byGroup[groupKey];
  const model = versions?.[version as string]?.[manifest.kind];
  if (typeof model !== 'function')
    throw new Error(`no Kubernetes schema for ${manifest.apiVersion} ${manifest.kind}`);
  return model as new (data: unknown) => { validate(): void };
}

async function build(dir: string, root = KUSTOMIZE_ROOT): Promise<Manifest[]> {
  const result = await runTool('kubectl', ['kustomize', join(root, dir)]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as Manifest);
}

const find = (manifests: Manifest[], kind: string) => {
  const found = manifests.find((m) => m.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found as Manifest & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describeWithTools(
  [['kubectl', 'kubectl >= 1.27, whose kustomize is v5: .ci/setup.d/41-kubectl.sh installs it']],
  'deploy/kubernetes',
  () => {
    describe.each(['base', 'overlays/hoster', 'overlays/hoster-db'])('deploy/kubernetes/%s', (dir) => {
      let manifests: Manifest[];

      beforeAll(async () => {
        manifests = await build(dir);
      });

      it('builds with kustomize into the expected objects', () => {
        const kinds = manifests.map((m) => m.kind).sort();
        const expected = [
          'ConfigMap',
          'Deployment',
          'HorizontalPodAutoscaler',
          'Ingress',
          'NetworkPolicy',
          'PodDisruptionBudget',
          'Service',
        ];
        expect(kinds).toEqual(dir === 'base' ? expected : [...expected, 'Namespace'].sort());
      });

      it('validates every object against the Kubernetes object schemas', () => {
        for (const manifest of manifests) {
          const Model = modelFor(manifest);
          expect(() => new Model(manifest).validate()).not.toThrow();
        }
      });

      it('would catch a wrongly typed field, so the check above is a real one', () => {
        const deployment = structuredClone(find(manifests, 'Deployment'));
        deployment.spec.replicas = 'two';
        expect(() => new (modelFor(deployment))(deployment).validate()).toThrow(/replicas/);
      });

      it('runs at least two restricted, probed, resource-bounded replicas', () => {
        const deployment = find(manifests, 'Deployment');
        expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
        const pod = deployment.spec.template.spec;
        expect(pod.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        const [container] = pod.containers;
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(container.readinessProbe.httpGet.path).toBe('/readyz');
        expect(container.livenessProbe.httpGet.path).toBe('/healthz');
        expect(container.resources.requests).toBeDefined();
        expect(container.resources.limits.memory).toBeDefined();
        const hpa = find(manifests, 'HorizontalPodAutoscaler');
        expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
        const pdb = find(manifests, 'PodDisruptionBudget');
        expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
        expect(pdb.spec.minAvailable).toBeLessThan(Number(hpa.spec.minReplicas));
      });

      it('mounts the generated ConfigMap, whose files are a valid mail-autoconf config', () => {
        const configMap = find(manifests, 'ConfigMap');
        const deployment = find(manifests, 'Deployment');
        expect(deployment.spec.template.spec.volumes[0].configMap.name).toBe(configMap.metadata.name);
        expect(configMap.metadata.name).toMatch(/^mail-autoconf-config-[a-z0-9]{10}$/);
        const files = Object.entries(configMap.data as Record<string, string>).map(([file, text]) => ({
          file,
          text,
        }));
        const loaded = loadCatalogTexts(files);
        expect(loaded.ok ? [] : loaded.errors).toEqual([]);
        expect(loaded.ok && loaded.config.domains.length).toBeGreaterThan(0);
      });

      it('routes only client paths of autoconfig./autodiscover. hosts, never the ask endpoint', () => {
        const ingress = find(manifests, 'Ingress');
        for (const rule of ingress.spec.rules) {
          expect(rule.host).toMatch(/^(autoconfig|autodiscover)\./);
          for (const path of rule.http.paths) {
            expect(path.path).not.toMatch(/mail-autoconf/);
            expect(path.backend.service.name).toBe('mail-autoconf');
          }
        }
        const tlsHosts = ingress.spec.tls.flatMap((t: { hosts: string[] }) => t.hosts).sort();
        expect(tlsHosts).toEqual(ingress.spec.rules.map((r: { host: string }) => r.host).sort());
      });
    });
  },
);

describeWithTools(
  [['kubectl', 'kubectl >= 1.27, whose kustomize is v5; Debian 12 has only 1.20']],
  'deploy/kubernetes/overlays/hoster-db: domains from the database',
  () => {
    let manifests: Manifest[];

    beforeAll(async () => {
      manifests = await build('overlays/hoster-db');
    });

    it('reads the DSN from a Secret into the environment, never from the ConfigMap', () => {
      const container = find(manifests, 'Deployment').spec.template.spec.containers[0];
      expect(container.env).toContainEqual({
        name: 'MAIL_AUTOCONF_DB_URL',
        valueFrom: { secretKeyRef: { name: 'mail-autoconf-db', key: 'url' } },
      });
      const configMap = find(manifests, 'ConfigMap');
      const loaded = loadCatalogTexts(
        Object.entries(configMap.data as Record<string, string>).map(([file, text]) => ({ file, text })),
      );
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
      expect(loaded.config.sources?.list).toEqual([
        expect.objectContaining({
          type: 'postgresql',
          url: '${MAIL_AUTOCONF_DB_URL}',
          notify: 'mail_autoconf',
        }),
      ]);
      expect(JSON.stringify(configMap.data)).not.toMatch(/:\/\/[^/@\s]*:[^/@\s]*@/);
      expect(manifests.some((m) => m.kind === 'Secret')).toBe(false);
    });

    it('runs more replicas than the PodDisruptionBudget keeps, and scales further', () => {
      expect(find(manifests, 'Deployment').spec.replicas).toBe(3);
      expect(find(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({
        minReplicas: 3,
        maxReplicas: 20,
      });
      expect(find(manifests, 'PodDisruptionBudget').spec.minAvailable).toBe(2);
    });

    /** An overlay plus the config-volume component, built as kustomize would for an admin. */
    async function withConfigVolume(overlay: string): Promise<Manifest[]> {
      // kustomize accepts only relative paths, so the test overlay lives inside the repository.
      const dir = join(REPO_ROOT, 'test-output', `kustomize-config-volume-${overlay}`);
      mkdirSync(dir, { recursive: true });
      try {
        writeFileSync(
          join(dir, 'kustomization.yaml'),
          [
            'apiVersion: kustomize.config.k8s.io/v1beta1',
            'kind: Kustomization',
            'resources:',
            `  - ../../deploy/kubernetes/overlays/${overlay}`,
            'components:',
            '  - ../../deploy/kubernetes/components/config-volume',
            '',
          ].join('\n'),
        );
        return await build(dir, '/');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it('with the config-volume component, mounts the config from a read-only volume instead', async () => {
      const withVolume = await withConfigVolume('hoster-db');
      for (const manifest of withVolume)
        expect(() => new (modelFor(manifest))(manifest).validate()).not.toThrow();
      const pod = find(withVolume, 'Deployment').spec.template.spec;
      expect(pod.volumes).toEqual([
        { name: 'config', persistentVolumeClaim: { claimName: 'mail-autoconf-config', readOnly: true } },
      ]);
      expect(pod.containers[0].volumeMounts).toContainEqual(
        expect.objectContaining({ name: 'config', mountPath: '/etc/mail-autoconf', readOnly: true }),
      );
      expect(find(withVolume, 'PersistentVolumeClaim').spec.accessModes).toEqual(['ReadOnlyMany']);
    });

    it('with the config-volume component on a ConfigMap overlay, raises the memory for a big config', async () => {
      const container = find(await withConfigVolume('hoster'), 'Deployment').spec.template.spec.containers[0];
      // 100,000 domains: 333 MiB after a scan, 435 MiB at a reload's peak (docs/performance.md).
      expect(container.resources).toMatchObject({
        requests: { memory: '384Mi' },
        limits: { memory: '640Mi' },
      });
    });
  },
);

it('the kustomize directories hold only files the kustomizations use', () => {
  expect(readdirSync(join(KUSTOMIZE_ROOT, 'base')).sort()).toEqual([
    'config',
    'deployment.yaml',
    'hpa.yaml',
    'ingress.yaml',
    'kustomization.yaml',
    'networkpolicy.yaml',
    'pdb.yaml',
    'service.yaml',
  ]);
});
