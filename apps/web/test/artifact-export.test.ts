import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { checkpointToSafetensors, checkpointToTfjsLayers, type TfjsLayersModelJson } from "@seqlab/models/export";
import { createTestArtifactStore } from "@seqlab/db/testing";
import { TrainingQueue } from "@seqlab/queue";
import { downloadArtifact, exportArtifact, tfjsModelJson, tfjsWeights } from "../src/server/handlers/artifacts";
import type { RouteHandler } from "../src/server/route";
import { resolveRunConfig } from "../src/server/run-service";
import {
  authedRequest,
  createKey,
  createTeam,
  createTestApp,
  createUser,
  syntheticCheckpoint,
  tinyLstmCheckpoint,
  type TestApp,
  type TestAuth,
  type TestUser,
} from "./harness";

jest.setTimeout(120_000);

const API_DIR = path.resolve(__dirname, "../src/app/api");

/** A checkpoint of `model` on the adding task (2 features, many-to-one), its tensors filled with a ramp. */
const lstm = tinyLstmCheckpoint();
const gru = syntheticCheckpoint("gru", {
  "model/layer0/kernel": [2, 6],
  "model/layer0/recurrent_kernel": [2, 6],
  "model/layer0/bias": [6],
  "model/layer0/recurrent_bias": [6],
  "model/output/kernel": [2, 1],
  "model/output/bias": [1],
});

/** The checkpoint export routes: the bytes and headers they answer with, what they refuse, and who may read them. */
describe("artifact export API (safetensors, TensorFlow.js model.json + weights.bin)", () => {
  let app: TestApp;
  const queue = `q-${randomUUID().slice(0, 8)}`;
  let member: TestUser;
  let viewer: TestAuth;
  let outsider: TestAuth;
  let readOnlyKey: TestAuth;
  let otherTeamKey: TestAuth;
  let projectId: string;

  /** A queued run in team "lab", launched by the member through the service (as the API does). */
  const newRun = async () => {
    const resolved = resolveRunConfig({ model: "lstm", dataset: "adding", training: { steps: 1 }, queue });
    return (await app.services.runService.launch({ ...resolved, projectId, createdById: member.userId })).run.id;
  };
  /** Saves an artifact on a new run; returns its id and run. */
  const save = async (kind: string, name: string, content: Uint8Array) => {
    const runId = await newRun();
    const artifact = await app.services.artifacts.saveArtifact({ runId, kind, name, content, step: 20 });
    return { id: artifact.id, runId };
  };

  beforeAll(async () => {
    app = await createTestApp();
    member = await createUser(app);
    const [v, o] = [await createUser(app), await createUser(app)];
    const lab = await createTeam(app, "lab", [
      [member, "member"],
      [v, "viewer"],
    ]);
    const elsewhere = await createTeam(app, "elsewhere", [[o, "owner"]]);
    projectId = lab.projectId;
    viewer = { cookie: v.cookie };
    outsider = { cookie: o.cookie };
    readOnlyKey = { bearer: (await createKey(app, member, { teamId: lab.id, readOnly: true })).key };
    otherTeamKey = { bearer: (await createKey(app, o, { teamId: elsewhere.id })).key };
  });
  afterAll(async () => {
    await new TrainingQueue({ connection: app.services.redis, queue, prefix: app.prefix }).queue.obliterate({
      force: true,
    });
    await app.close();
  });

  const call = (handler: RouteHandler<unknown>, url: string, id: string, auth: TestAuth = viewer) =>
    handler.invoke(app.services, authedRequest("GET", url, auth), { id });
  const safetensorsOf = (id: string, auth?: TestAuth, query = "?format=safetensors") =>
    call(exportArtifact, `/api/artifacts/${id}/export${query}`, id, auth);
  const modelJsonOf = (id: string, auth?: TestAuth) =>
    call(tfjsModelJson, `/api/artifacts/${id}/tfjs/model.json`, id, auth);
  const weightsOf = (id: string, auth?: TestAuth) =>
    call(tfjsWeights, `/api/artifacts/${id}/tfjs/weights.bin`, id, auth);
  const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

  it("serves a checkpoint as .safetensors: the converter's bytes, as an attachment named after run and checkpoint", async () => {
    const { id, runId } = await save("checkpoint", "step-20", lstm);
    const res = await safetensorsOf(id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${runId}-step-20.safetensors"`);
    const body = await bytesOf(res);
    expect(Buffer.from(body).equals(Buffer.from(checkpointToSafetensors(lstm)))).toBe(true);
    expect(res.headers.get("x-content-sha256")).toBe(createHash("sha256").update(body).digest("hex"));
  });

  it("serves model.json and weights.bin where model.json's manifest sends tfjs", async () => {
    const { id } = await save("checkpoint", "step-20", lstm);
    const expected = checkpointToTfjsLayers(lstm);
    const res = await modelJsonOf(id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const modelJson = (await res.json()) as TfjsLayersModelJson;
    expect(modelJson).toEqual(expected.modelJson);
    // tfjs fetches each manifest path relative to model.json's URL: that must be the weights route.
    const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
    expect(paths).toEqual(["weights.bin"]);
    const modelUrl = new URL(`http://localhost/api/artifacts/${id}/tfjs/model.json`);
    expect(new URL(paths[0]!, modelUrl).pathname).toBe(`/api/artifacts/${id}/tfjs/weights.bin`);
    for (const file of ["model.json", ...paths]) {
      expect(existsSync(path.join(API_DIR, "artifacts/[id]/tfjs", file, "route.ts"))).toBe(true);
    }
    const weights = await weightsOf(id);
    expect(weights.status).toBe(200);
    expect(weights.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.from(await bytesOf(weights)).equals(Buffer.from(expected.weightData))).toBe(true);
  });

  it("answers 400 with the reason for a model that has no TensorFlow.js export; its safetensors still download", async () => {
    const { id } = await save("checkpoint", "step-20", gru);
    for (const res of [await modelJsonOf(id), await weightsOf(id)]) {
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /^model "gru" cannot be exported as a TensorFlow.js layers model: .*reset gate/,
      );
    }
    const safetensors = await safetensorsOf(id);
    expect(safetensors.status).toBe(200);
    expect(Buffer.from(await bytesOf(safetensors)).equals(Buffer.from(checkpointToSafetensors(gru)))).toBe(true);
  });

  it("streams a download from the artifact store, and answers 410 / 409 for a missing or corrupt object", async () => {
    const { id } = await save("checkpoint", "step-20", lstm);
    const res = await call(downloadArtifact, `/api/artifacts/${id}`, id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(lstm.byteLength));
    expect(Buffer.from(await bytesOf(res)).equals(Buffer.from(lstm))).toBe(true);

    // Point one row at an object that is not there, and another at bytes that do not match its sha256.
    const store = createTestArtifactStore();
    const gone = await save("checkpoint", "step-20", new Uint8Array([1, 2, 3, 4]));
    await app.db.prisma.artifact.update({ where: { id: gone.id }, data: { storeKey: "f".repeat(64) } });
    const rotten = await save("checkpoint", "step-20", new Uint8Array([5, 6, 7, 8]));
    const other = await store.put([Buffer.from([9, 9, 9, 9])]);
    await app.db.prisma.artifact.update({ where: { id: rotten.id }, data: { storeKey: other.key } });
    const missing = await call(downloadArtifact, `/api/artifacts/${gone.id}`, gone.id);
    expect(missing.status).toBe(410);
    expect(((await missing.json()) as { error: string }).error).toMatch(/missing from the artifact store/);
    expect((await safetensorsOf(gone.id)).status).toBe(410);
    const corrupt = await safetensorsOf(rotten.id);
    expect(corrupt.status).toBe(409);
    expect(((await corrupt.json()) as { error: string }).error).toMatch(/do not match their sha256/);
    // A download is already under way when the damage shows at the end: the transfer fails instead of completing.
    const torn = await call(downloadArtifact, `/api/artifacts/${rotten.id}`, rotten.id);
    await expect(torn.arrayBuffer()).rejects.toThrow();
  });

  it("answers 400 for an artifact that is not a checkpoint, or whose bytes are not one", async () => {
    const evaluation = await save("evaluation", "test", new TextEncoder().encode("{}"));
    for (const res of [
      await safetensorsOf(evaluation.id),
      await modelJsonOf(evaluation.id),
      await weightsOf(evaluation.id),
    ]) {
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /is of kind "evaluation": only checkpoints export/,
      );
    }
    const broken = await save("checkpoint", "step-1", new Uint8Array([1, 2, 3]));
    for (const res of [await safetensorsOf(broken.id), await modelJsonOf(broken.id), await weightsOf(broken.id)]) {
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/not a readable seqlab checkpoint/);
    }
  });

  it("answers 400 naming the format parameter when it is missing or unknown", async () => {
    const { id } = await save("checkpoint", "step-20", lstm);
    for (const query of ["", "?format=onnx", "?format=tfjs"]) {
      const res = await safetensorsOf(id, viewer, query);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { issues: { path: string; message: string }[] }).issues).toEqual([
        { path: "format", message: expect.stringContaining('format must be "safetensors"') },
      ]);
    }
  });

  it("lets whoever may read the run download the exports, with a read-only key too", async () => {
    const { id } = await save("checkpoint", "step-20", lstm);
    for (const auth of [viewer, { cookie: member.cookie }, readOnlyKey]) {
      expect((await safetensorsOf(id, auth)).status).toBe(200);
      expect((await modelJsonOf(id, auth)).status).toBe(200);
      expect((await weightsOf(id, auth)).status).toBe(200);
    }
  });

  it("answers another team's artifact, an unknown one and a malformed id with the download route's 404", async () => {
    const { id } = await save("checkpoint", "step-20", lstm);
    for (const [artifactId, auth] of [
      [id, outsider],
      [id, otherTeamKey],
      ["cmissing000000000000000000", viewer],
      ["not an id!", viewer],
    ] as const) {
      const download = await call(downloadArtifact, `/api/artifacts/${artifactId}`, artifactId, auth);
      expect(download.status).toBe(404);
      const expected = await download.json();
      for (const res of [
        await safetensorsOf(artifactId, auth),
        await modelJsonOf(artifactId, auth),
        await weightsOf(artifactId, auth),
      ]) {
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual(expected);
      }
    }
  });

  it("asks for a sign-in (401) without a session or with an unknown key", async () => {
    const { id } = await save("checkpoint", "step-20", lstm);
    for (const auth of [null, { bearer: "sk_seqlab_not-a-real-key" }]) {
      expect((await safetensorsOf(id, auth)).status).toBe(401);
      expect((await modelJsonOf(id, auth)).status).toBe(401);
      expect((await weightsOf(id, auth)).status).toBe(401);
    }
  });
});
