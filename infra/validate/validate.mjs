// Offline checks of infra/ for a machine without a Docker engine or a cluster:
//   cd infra/validate && npm ci && npm run check
// 1. every YAML file parses;
// 2. compose files are loaded the way Docker Compose loads them (YAML merge keys, ${VAR:-default}
//    interpolation, `extends` from another file, map merge, int casts), validated against the compose-spec
//    schema (compose-spec.json, vendored from compose-spec/compose-go, Apache-2.0), and checked for the
//    properties the README promises;
// 3. Kubernetes manifests (rendered with `kubectl kustomize` when kubectl is installed) validate against the
//    kubernetes-models JSON schemas, and their cross-references resolve;
// 4. Dockerfiles pass dockerfile-utils' validation;
// 5. every workspace manifest reaches `npm ci` in every image;
// 6. operations: the KEDA ScaledObjects, the scrape job and the Grafana dashboard (grafana/) name only metrics the
//    apps export (read from apps/web/src/server/prometheus.ts and apps/worker/src/worker-metrics.ts), and the
//    metrics ports, tokens and queues they rely on are where they expect them.
// Ends with "N passed, N failed"; exits 1 on any failure.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { load, loadAll } from "js-yaml";
import { validate as lintDockerfile } from "dockerfile-utils";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";

const infra = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let passed = 0;
let failed = 0;
function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
const read = (file) => fs.readFileSync(path.join(infra, file), "utf8");
function walk(dir) {
  return fs.readdirSync(path.join(infra, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "validate" ? [] : walk(rel);
    return [rel];
  });
}

// 1. YAML syntax
for (const file of walk(".").filter((f) => /\.ya?ml$/.test(f)))
  check(`YAML parses: ${file}`, () => loadAll(read(file)));

// 2. Compose
// `$$` is Compose's escape for a literal `$` (a shell variable in a command).
const VAR = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
function interpolate(value, env) {
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  if (typeof value !== "string") return value;
  return value.replace(VAR, (match, braced, fallback, bare) => {
    if (match === "$$") return "$";
    const name = braced ?? bare;
    if (env[name]) return env[name];
    if (fallback !== undefined) return fallback;
    throw new Error(`\${${name}} has no default and is not set: compose would refuse the file`);
  });
}
const loadCompose = (file, env) => interpolate(load(read(file)), env);
/** Compose's merge: maps key by key, sequences appended, scalars replaced. */
function merge(base, over) {
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  if (
    base &&
    over &&
    typeof base === "object" &&
    typeof over === "object" &&
    !Array.isArray(base) &&
    !Array.isArray(over)
  ) {
    const out = structuredClone(base);
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v) : structuredClone(v);
    return out;
  }
  return structuredClone(over);
}
function project(files, env) {
  let model = {};
  for (const file of files) {
    const doc = loadCompose(file, env);
    for (const [name, svc] of Object.entries(doc.services ?? {})) {
      if (!svc.extends) continue;
      const source = svc.extends.file
        ? loadCompose(path.join(path.dirname(file), svc.extends.file), env).services[svc.extends.service]
        : doc.services[svc.extends.service];
      const { extends: _, ...rest } = svc;
      doc.services[name] = merge(source, rest);
    }
    model = merge(model, doc);
  }
  for (const svc of Object.values(model.services))
    if (svc.deploy?.replicas !== undefined) svc.deploy.replicas = Number(svc.deploy.replicas);
  return model;
}
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const composeSchema = ajv.compile(JSON.parse(read("validate/compose-spec.json")));
function validCompose(model, profiles) {
  if (!composeSchema(model)) throw new Error(ajv.errorsText(composeSchema.errors));
  const active = Object.keys(model.services).filter(
    (n) => !model.services[n].profiles || model.services[n].profiles.some((p) => profiles.includes(p)),
  );
  for (const name of active) {
    const svc = model.services[name];
    for (const dep of Object.keys(svc.depends_on ?? {}))
      assert(active.includes(dep), `${name} depends on ${dep}, not active`);
    for (const v of svc.volumes ?? []) {
      const source = typeof v === "string" ? v.split(":")[0] : v.source;
      assert(/^[./]/.test(source) || source in (model.volumes ?? {}), `${name}: volume ${source} not declared`);
    }
    if (svc.build)
      assert(fs.existsSync(path.join(infra, svc.build.context, svc.build.dockerfile)), `${name}: Dockerfile missing`);
    const backend = svc.environment?.SEQLAB_BACKEND;
    assert([undefined, null, "tensorflow", "wasm", "cpu"].includes(backend), `${name}: SEQLAB_BACKEND ${backend}`);
  }
  return active;
}
check("compose.yaml loads with no variable set and matches the compose schema", () =>
  validCompose(project(["compose.yaml"], {}), []),
);
check("`up redis` needs nothing else: no build, no depends_on, no profile, loopback port", () => {
  const redis = project(["compose.yaml"], {}).services.redis;
  assert(!redis.build && !redis.depends_on && !redis.profiles, "redis has a build, dependency or profile");
  assert(
    redis.ports.some((p) => p.startsWith("127.0.0.1:6379:")),
    "redis not on 127.0.0.1:6379",
  );
});
check("web and workers wait for migrate to succeed and Redis to be healthy", () => {
  const { services } = project(["compose.yaml"], {});
  for (const name of ["web", "worker", "worker-gpu"]) {
    assert(services[name].depends_on.migrate.condition === "service_completed_successfully", `${name}: migrate`);
    assert(services[name].depends_on.redis.condition === "service_healthy", `${name}: redis`);
  }
  assert(services.migrate.depends_on.postgres.condition === "service_healthy", "migrate: postgres");
});
check("compose variables reach the services; SEQLAB_BACKEND stays unset for CPU workers", () => {
  const env = { SEQLAB_CPU_WORKERS: "4", SEQLAB_GPU_ID: "2", POSTGRES_PASSWORD: "s3cret" };
  const model = project(["compose.yaml"], env);
  validCompose(model, ["gpu"]);
  assert(model.services.worker.deploy.replicas === 4, "replicas");
  assert(model.services["worker-gpu"].environment.CUDA_VISIBLE_DEVICES === "2", "CUDA_VISIBLE_DEVICES");
  assert(model.services.web.environment.DATABASE_URL.includes("s3cret@postgres:5432"), "DATABASE_URL");
  assert(model.services.worker.environment.SEQLAB_BACKEND === null, "SEQLAB_BACKEND must be null (pass-through)");
});
check("compose web: SEQLAB_URL, a generated or given session secret, and a tls profile with the Caddyfile", () => {
  const plain = project(["compose.yaml"], {});
  const web = plain.services.web;
  assert(web.environment.SEQLAB_URL === "http://localhost:3000", `SEQLAB_URL ${web.environment.SEQLAB_URL}`);
  assert(web.environment.SEQLAB_AUTH_SECRET === "", "SEQLAB_AUTH_SECRET default must be empty (generated)");
  assert(web.command.join(" ").includes("/data/auth-secret"), "web command does not keep a generated secret");
  assert(
    web.volumes.some((v) => v.endsWith(":/data")),
    "web has no /data volume for the secret",
  );
  const tls = plain.services.tls;
  assert(tls.profiles.includes("tls"), "tls service outside the tls profile");
  const caddyfile = tls.volumes.find((v) => v.includes("Caddyfile")).split(":")[0];
  assert(fs.existsSync(path.join(infra, caddyfile)), `${caddyfile} missing`);
  assert(read(caddyfile).includes("flush_interval -1"), "Caddyfile does not flush server-sent events");
  const env = { SEQLAB_URL: "https://seqlab.example.com", SEQLAB_DOMAIN: "seqlab.example.com" };
  const behind = project(["compose.yaml"], env);
  validCompose(behind, ["tls"]);
  assert(behind.services.web.environment.SEQLAB_URL === env.SEQLAB_URL, "SEQLAB_URL not passed");
  assert(behind.services.tls.environment.SEQLAB_DOMAIN === env.SEQLAB_DOMAIN, "SEQLAB_DOMAIN not passed");
});
check("compose.multi-gpu.yaml: one worker per GPU, each with its own CUDA_VISIBLE_DEVICES", () => {
  const model = project(["compose.yaml", "compose.multi-gpu.yaml"], {});
  validCompose(model, ["gpu"]);
  for (let i = 0; i < 4; i++) {
    const svc = model.services[i === 0 ? "worker-gpu" : `worker-gpu-${i}`];
    assert(svc.environment.CUDA_VISIBLE_DEVICES === String(i), `GPU ${i}: ${svc.environment.CUDA_VISIBLE_DEVICES}`);
    assert(svc.deploy.resources.reservations.devices.length === 1, `GPU ${i}: one reservation`);
    assert(
      svc.profiles.includes("gpu") &&
        svc.stop_grace_period === "120s" &&
        svc.environment.SEQLAB_BACKEND === "tensorflow",
      `GPU ${i}: inherited settings`,
    );
  }
});

// 3. Kubernetes
const models = { Namespace, ConfigMap, Secret, Service, Deployment, StatefulSet, Job, ScaledObject, Ingress };
let rendered = null;
try {
  rendered = execFileSync("kubectl", ["kustomize", path.join(infra, "k8s")], { encoding: "utf8" });
} catch {
  console.log("skip kubectl kustomize (kubectl not installed): validating the kustomization's files directly");
}
const objects = [
  ...loadAll(
    rendered ??
      load(read("k8s/kustomization.yaml"))
        .resources.map((f) => read(`k8s/${f}`))
        .join("\n---\n"),
  ),
  ...loadAll(read("k8s/secret.example.yaml")),
  ...walk("k8s/optional")
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((f) => loadAll(read(f))),
].filter(Boolean);
/** The Secret the apps read (the template), not the optional ones (the scrape job's). */
const seqlabSecret = () => objects.find((o) => o.kind === "Secret" && o.metadata.name === "seqlab-secrets");
for (const o of objects) check(`k8s schema: ${o.kind}/${o.metadata.name}`, () => new models[o.kind](o).validate());
const secretKeys = new Set(Object.keys(seqlabSecret().stringData));
const configMaps = new Set(objects.filter((o) => o.kind === "ConfigMap").map((o) => o.metadata.name));
const services = objects.filter((o) => o.kind === "Service");
for (const o of objects.filter((o) => o.spec?.template)) {
  check(`k8s references resolve: ${o.kind}/${o.metadata.name}`, () => {
    const pod = o.spec.template;
    for (const [k, v] of Object.entries(o.spec.selector?.matchLabels ?? {}))
      assert(pod.metadata.labels?.[k] === v, `selector ${k}=${v} not on the pod`);
    for (const c of pod.spec.containers) {
      const ports = new Set((c.ports ?? []).map((p) => p.name));
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
        if (typeof port === "string") assert(ports.has(port), `${probe} port ${port} undefined`);
      }
      for (const e of c.env ?? [])
        if (e.valueFrom?.secretKeyRef)
          assert(secretKeys.has(e.valueFrom.secretKeyRef.key), `secret key ${e.valueFrom.secretKeyRef.key}`);
      for (const e of c.envFrom ?? [])
        if (e.configMapRef) assert(configMaps.has(e.configMapRef.name), `ConfigMap ${e.configMapRef.name}`);
      for (const m of c.volumeMounts ?? []) {
        const declared =
          (pod.spec.volumes ?? []).some((v) => v.name === m.name) ||
          (o.spec.volumeClaimTemplates ?? []).some((v) => v.metadata.name === m.name);
        assert(declared, `volume ${m.name} undeclared`);
      }
    }
    if (o.kind === "StatefulSet")
      assert(
        services.some((s) => s.metadata.name === o.spec.serviceName),
        `no Service ${o.spec.serviceName}`,
      );
  });
}
check("k8s Services select a pod with the target port; Secret URLs name Services", () => {
  for (const s of services) {
    const target = objects.find(
      (o) =>
        o.spec?.template &&
        Object.entries(s.spec.selector).every(([k, v]) => o.spec.template.metadata.labels?.[k] === v),
    );
    assert(target, `Service ${s.metadata.name} selects nothing`);
    const ports = new Set(target.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
    for (const p of s.spec.ports)
      if (typeof p.targetPort === "string")
        assert(ports.has(p.targetPort), `${s.metadata.name}: targetPort ${p.targetPort}`);
  }
  const secret = seqlabSecret().stringData;
  for (const key of ["DATABASE_URL", "REDIS_URL"])
    assert(
      services.some((s) => s.metadata.name === new URL(secret[key]).hostname),
      `${key} host`,
    );
});
check("the dashboard gets its URL, session secret and proxy trust; the Ingress reaches its Service", () => {
  const config = Object.assign({}, ...objects.filter((o) => o.kind === "ConfigMap").map((o) => o.data));
  assert(new URL(config.SEQLAB_URL).protocol === "https:", "SEQLAB_URL is not https");
  assert(config.SEQLAB_TRUSTED_PROXIES === "private", "SEQLAB_TRUSTED_PROXIES");
  const web = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "seqlab-web");
  const env = web.spec.template.spec.containers[0].env;
  assert(
    env.some((e) => e.name === "SEQLAB_AUTH_SECRET" && e.valueFrom?.secretKeyRef?.name === "seqlab-secrets"),
    "web: SEQLAB_AUTH_SECRET from the Secret",
  );
  const secret = seqlabSecret().stringData;
  assert(secret.SEQLAB_AUTH_SECRET.length >= 32, "the template's SEQLAB_AUTH_SECRET is shorter than 32");
  const ingress = objects.find((o) => o.kind === "Ingress");
  const backend = ingress.spec.rules[0].http.paths[0].backend.service;
  const service = services.find((s) => s.metadata.name === backend.name);
  assert(service && service.spec.ports.some((p) => p.name === backend.port.name), "Ingress backend");
  assert(ingress.spec.tls[0].hosts[0] === new URL(config.SEQLAB_URL).hostname, "Ingress host != SEQLAB_URL host");
});
check("workers' grace period outlasts the worker's own 60 s shutdown bound", () => {
  for (const o of objects.filter((o) => o.kind === "Deployment" && o.metadata.name.startsWith("seqlab-worker"))) {
    assert(o.spec.template.spec.terminationGracePeriodSeconds > 60, `${o.metadata.name}`);
  }
});

// 4. Dockerfiles
for (const file of walk(".").filter((f) => f.endsWith(".Dockerfile"))) {
  check(`Dockerfile lint: ${file}`, () => {
    const problems = lintDockerfile(read(file)).filter((d) => d.severity === 1);
    assert(problems.length === 0, problems.map((d) => `line ${d.range.start.line + 1}: ${d.message}`).join("; "));
  });
}

// 5. Every workspace's manifest reaches `npm ci` in every image (a missing one fails the build: npm ci refuses a
// lockfile that names a workspace it cannot find).
const repo = path.resolve(infra, "..");
const workspaces = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).workspaces.flatMap((pattern) =>
  pattern.endsWith("/*")
    ? fs
        .readdirSync(path.join(repo, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((e) => e.isDirectory() && fs.existsSync(path.join(repo, pattern.slice(0, -2), e.name, "package.json")))
        .map((e) => `${pattern.slice(0, -2)}/${e.name}`)
    : [pattern],
);
/** Whether a .dockerignore's patterns (last match wins, `!` re-includes) leave `file` in the build context. */
function inContext(ignore, file) {
  let included = true;
  for (const raw of ignore.split("\n").map((l) => l.trim())) {
    if (!raw || raw.startsWith("#")) continue;
    const negate = raw.startsWith("!");
    const pattern = negate ? raw.slice(1) : raw;
    const regex = new RegExp(
      "^" +
        pattern
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*\*\//g, "(?:.*/)?")
          .replace(/\*/g, "[^/]*") +
        "(?:/.*)?$",
    );
    if (regex.test(file)) included = negate;
  }
  return included;
}
for (const file of walk(".").filter((f) => f.endsWith(".Dockerfile"))) {
  check(`every workspace manifest is copied into ${file} and not ignored`, () => {
    const dockerfile = read(file);
    const ignore = fs.existsSync(path.join(infra, `${file}.dockerignore`)) ? read(`${file}.dockerignore`) : "";
    for (const ws of workspaces) {
      assert(dockerfile.includes(`COPY ${ws}/package.json ${ws}/`), `${ws}/package.json is not copied`);
      assert(inContext(ignore, `${ws}/package.json`), `${ws}/package.json is excluded by ${file}.dockerignore`);
    }
  });
}

// 6. Operations: what autoscaling and the dashboard read is what the apps export.
/** Metric names an app registers with prom-client (`name: "seqlab_..."`), read from its source. */
function exportedMetrics(file) {
  const names = [...fs.readFileSync(path.join(repo, file), "utf8").matchAll(/\bname: "(seqlab_[a-z0-9_]+)"/g)].map(
    (m) => m[1],
  );
  assert(names.length > 0, `${file} registers no seqlab_ metric`);
  return names;
}
let exported = new Set();
check("the apps' Prometheus metrics are found in their sources", () => {
  exported = new Set([
    ...exportedMetrics("apps/web/src/server/prometheus.ts"),
    ...exportedMetrics("apps/worker/src/worker-metrics.ts"),
  ]);
});
/** The seqlab_ metric names a PromQL expression reads. */
const metricsIn = (expr) => [...expr.matchAll(/\bseqlab_[a-z0-9_]+/g)].map((m) => m[0]);
function assertExported(expr, where) {
  const names = metricsIn(expr);
  assert(names.length > 0, `${where}: reads no seqlab_ metric: ${expr}`);
  for (const name of names) assert(exported.has(name), `${where}: ${name} is not exported by the apps`);
}
/** The queues a Deployment's workers serve: its own SEQLAB_QUEUES, else the ConfigMap's. */
function servedQueues(deployment) {
  const container = deployment.spec.template.spec.containers[0];
  const own = (container.env ?? []).find((e) => e.name === "SEQLAB_QUEUES")?.value;
  const config = Object.assign({}, ...objects.filter((o) => o.kind === "ConfigMap").map((o) => o.data));
  return (own ?? config.SEQLAB_QUEUES ?? "default").split(",").map((q) => q.trim());
}
for (const so of objects.filter((o) => o.kind === "ScaledObject")) {
  check(`KEDA ${so.metadata.name}: scales a worker Deployment to zero on the queues it serves`, () => {
    const target = objects.find((o) => o.kind === "Deployment" && o.metadata.name === so.spec.scaleTargetRef.name);
    assert(target, `no Deployment ${so.spec.scaleTargetRef.name}`);
    assert(so.spec.minReplicaCount === 0, `minReplicaCount ${so.spec.minReplicaCount}, not 0`);
    assert(so.spec.cooldownPeriod > 0, "no cooldownPeriod");
    const triggers = so.spec.triggers.filter((t) => t.type === "prometheus");
    assert(triggers.length > 0, "no prometheus trigger");
    for (const t of triggers) {
      const query = t.metadata.query;
      assertExported(query, "query");
      for (const name of ["seqlab_queue_waiting_jobs", "seqlab_runs_running"])
        assert(query.includes(name), `the query leaves out ${name}: busy workers would be scaled away`);
      for (const [, queue] of query.matchAll(/queue="([^"]+)"/g))
        assert(servedQueues(target).includes(queue), `${target.metadata.name} does not serve queue ${queue}`);
      assert(t.metadata.ignoreNullValues === "false", "ignoreNullValues must be false: no data is not 0 jobs");
    }
  });
}
check("worker pods serve their metrics on the annotated port; web gets SEQLAB_METRICS_TOKEN from the Secret", () => {
  for (const o of objects.filter((o) => o.kind === "Deployment" && o.metadata.name.startsWith("seqlab-worker"))) {
    const pod = o.spec.template;
    const container = pod.spec.containers[0];
    const port = (container.ports ?? []).find((p) => p.name === "metrics")?.containerPort;
    const env = (container.env ?? []).find((e) => e.name === "SEQLAB_METRICS_PORT")?.value;
    assert(port !== undefined && String(port) === env, `${o.metadata.name}: metrics port ${port}, env ${env}`);
    assert(pod.metadata.annotations?.["prometheus.io/port"] === env, `${o.metadata.name}: prometheus.io/port`);
  }
  const web = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "seqlab-web");
  const ref = web.spec.template.spec.containers[0].env.find((e) => e.name === "SEQLAB_METRICS_TOKEN")?.valueFrom
    ?.secretKeyRef;
  assert(ref?.name === "seqlab-secrets" && secretKeys.has(ref.key), "web: SEQLAB_METRICS_TOKEN from the Secret");
  assert(seqlabSecret().stringData.SEQLAB_METRICS_TOKEN.length >= 16, "the template's token is under 16 characters");
});
check("the web scrape job reaches every web pod's /metrics with the Secret's token", () => {
  const scrape = objects.find((o) => o.kind === "Secret" && o.metadata.name === "seqlab-prometheus-scrape");
  assert(scrape, "optional/prometheus-scrape.yaml has no Secret seqlab-prometheus-scrape");
  const jobs = load(scrape.stringData["scrape-configs.yaml"]);
  const job = jobs.find((j) => j.job_name === "seqlab-web");
  assert(job, "no seqlab-web job");
  assert(job.metrics_path === "/metrics", `metrics_path ${job.metrics_path}`);
  assert(
    job.authorization?.credentials === seqlabSecret().stringData.SEQLAB_METRICS_TOKEN,
    "its bearer token is not the template's SEQLAB_METRICS_TOKEN",
  );
  const keep = (label) =>
    job.relabel_configs.find((r) => r.action === "keep" && r.source_labels.includes(label))?.regex;
  const web = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "seqlab-web");
  assert(
    keep("__meta_kubernetes_pod_label_app_kubernetes_io_name") ===
      web.spec.template.metadata.labels["app.kubernetes.io/name"],
    "it does not keep the web pods",
  );
  const port = keep("__meta_kubernetes_pod_container_port_name");
  assert(
    web.spec.template.spec.containers[0].ports.some((p) => p.name === port),
    `web has no container port ${port}`,
  );
});
check("grafana/seqlab-dashboard.json: Grafana 10 schema, a datasource variable, a panel per exported metric", () => {
  const dashboard = JSON.parse(read("grafana/seqlab-dashboard.json"));
  assert(dashboard.schemaVersion >= 36, `schemaVersion ${dashboard.schemaVersion}`);
  assert(dashboard.uid && dashboard.title, "no uid or title");
  const variables = dashboard.templating.list;
  const ds = variables.find((v) => v.type === "datasource");
  assert(ds?.query === "prometheus", "no Prometheus datasource variable");
  const dsRef = `\${${ds.name}}`;
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const ids = new Set();
  const used = new Set();
  for (const p of panels) {
    assert(!ids.has(p.id), `panel id ${p.id} twice`);
    ids.add(p.id);
    if (p.type === "row") continue;
    assert(p.gridPos && p.title, `panel ${p.id}: no gridPos or title`);
    assert(p.datasource?.uid === dsRef, `panel ${p.title}: datasource is not ${dsRef}`);
    assert(p.targets?.length > 0, `panel ${p.title}: no query`);
    for (const t of p.targets) {
      assert(t.datasource?.uid === dsRef, `panel ${p.title} ${t.refId}: datasource is not ${dsRef}`);
      assertExported(t.expr, `panel ${p.title}`);
      for (const name of metricsIn(t.expr)) used.add(name);
    }
  }
  for (const v of variables.filter((v) => v.type === "query")) {
    assert(v.datasource?.uid === dsRef, `variable ${v.name}: datasource is not ${dsRef}`);
    assertExported(typeof v.query === "string" ? v.query : v.query.query, `variable ${v.name}`);
  }
  const unshown = [...exported].filter((name) => !used.has(name));
  assert(unshown.length === 0, `no panel shows ${unshown.join(", ")}`);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
