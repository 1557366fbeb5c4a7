// Writes the AdmissionReview v1 fixtures of this folder (run: node generate.cjs).
// Shapes follow the Kubernetes API reference: AdmissionReview/AdmissionRequest
// (admission.k8s.io/v1), Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet (apps/v1), Job and
// CronJob (batch/v1).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const digest = 'sha256:' + 'ab'.repeat(32);
const podSpec = (extra = {}) => ({
  serviceAccountName: 'default',
  initContainers: [{ name: 'init-db', image: 'registry.test/team/migrate:3', command: ['migrate', 'up'] }],
  containers: [
    { name: 'app', image: 'registry.test/team/app:1.0', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { limits: { cpu: '500m', memory: '128Mi' } } },
    { name: 'sidecar', image: `registry.test/team/sidecar@${digest}` },
  ],
  restartPolicy: 'Always',
  ...extra,
});
const template = (spec) => ({ metadata: { labels: { app: 'web' } }, spec });
const meta = (kind, name) => ({ name, namespace: 'shop', uid: '6f0b7a8e-1d8c-4f6e-9a51-0c7e2b9d3a10', labels: { app: 'web' } });

function review(group, version, kind, resource, name, object, operation = 'CREATE', oldObject = null) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `705ab4f5-6393-11e8-b7cc-${Buffer.from(kind).toString('hex').padEnd(12, '0').slice(0, 12)}`,
      kind: { group, version, kind },
      resource: { group, version, resource },
      requestKind: { group, version, kind },
      requestResource: { group, version, resource },
      name,
      namespace: 'shop',
      operation,
      userInfo: { username: 'system:serviceaccount:ci:deployer', uid: '014fbff9a07c', groups: ['system:serviceaccounts', 'system:authenticated'] },
      object,
      oldObject,
      dryRun: false,
      options: operation === 'DELETE' ? { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions' } : { apiVersion: 'meta.k8s.io/v1', kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions' },
    },
  };
}

const fixtures = {
  'pod.json': review('', 'v1', 'Pod', 'pods', 'web-0', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta('Pod', 'web-0'),
    spec: podSpec({ ephemeralContainers: [{ name: 'debugger', image: 'docker.io/library/busybox:1.36', stdin: true, tty: true, targetContainerName: 'app' }] }),
  }),
  'deployment.json': review('apps', 'v1', 'Deployment', 'deployments', 'web', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('Deployment', 'web'),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'RollingUpdate' }, template: template(podSpec()) },
  }),
  'statefulset.json': review('apps', 'v1', 'StatefulSet', 'statefulsets', 'db', {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('StatefulSet', 'db'),
    spec: { serviceName: 'db', replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template(podSpec()), volumeClaimTemplates: [] },
  }),
  'daemonset.json': review('apps', 'v1', 'DaemonSet', 'daemonsets', 'agent', {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('DaemonSet', 'agent'),
    spec: { selector: { matchLabels: { app: 'web' } }, template: template(podSpec()), updateStrategy: { type: 'RollingUpdate' } },
  }),
  'replicaset.json': review('apps', 'v1', 'ReplicaSet', 'replicasets', 'web-5d4f8c', {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('ReplicaSet', 'web-5d4f8c'),
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template(podSpec()) },
  }),
  'job.json': review('batch', 'v1', 'Job', 'jobs', 'backup', {
    apiVersion: 'batch/v1', kind: 'Job', metadata: meta('Job', 'backup'),
    spec: { backoffLimit: 2, template: template(podSpec({ restartPolicy: 'Never' })) },
  }),
  'cronjob.json': review('batch', 'v1', 'CronJob', 'cronjobs', 'nightly', {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('CronJob', 'nightly'),
    spec: { schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: template(podSpec({ restartPolicy: 'OnFailure' })) } } },
  }),
  'deployment-update.json': review('apps', 'v1', 'Deployment', 'deployments', 'web', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('Deployment', 'web'),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template(podSpec()) },
  }, 'UPDATE', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('Deployment', 'web'), spec: { template: template(podSpec()) } }),
  'pod-delete.json': review('', 'v1', 'Pod', 'pods', 'web-0', null, 'DELETE', { apiVersion: 'v1', kind: 'Pod', metadata: meta('Pod', 'web-0'), spec: podSpec() }),
  'configmap.json': review('', 'v1', 'ConfigMap', 'configmaps', 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('ConfigMap', 'settings'), data: { a: 'b' } }),
};
for (const [name, doc] of Object.entries(fixtures)) writeFileSync(join(__dirname, name), JSON.stringify(doc, null, 2) + '\n');
