import {
  CreateSweepRequest,
  EntityId,
  Slug,
  type FieldIssue,
  type SweepDefinition,
  type SweepParameter,
} from "@seqlab/contracts";
import type { SweepRow } from "@seqlab/db";
import { applyTrialParameters } from "@seqlab/sweeps";
import { z } from "zod";
import { readableTeams, teamPermission } from "../access";
import { json, problem, readBody, readQuery } from "../http";
import type { UserPrincipal } from "../identity";
import { resolveLaunchTarget } from "../launch-target";
import { defineHandler } from "../route";
import { LaunchValidationError, resolveRunConfig } from "../run-service";
import type { Services } from "../services";
import { detailOf, listSweeps as summariesOf } from "../sweeps/sweep-views";

const SweepParams = z.object({ id: EntityId });
const sweepNotFound = (raw: Record<string, string | string[]>) => `sweep ${JSON.stringify(raw.id ?? "")} not found`;

/** The values of a parameter that bound what a trial can get: its choices, or its range's two ends. */
function probeValues(parameter: SweepParameter): (string | number | boolean)[] {
  return parameter.kind === "choice" ? parameter.values : [parameter.min, parameter.max];
}

/**
 * Checks a definition against the catalogs before anything is written: the base launch must resolve, and so must
 * the base with each parameter at each of its choices or range ends (the catalog's bounds are ranges, so values in
 * between fit too). Each problem names the parameter: "definition.parameters.modelHyperparameters.units".
 */
function catalogIssues(definition: SweepDefinition): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const tryResolve = (request: unknown): LaunchValidationError | null => {
    try {
      resolveRunConfig(request);
      return null;
    } catch (error) {
      if (error instanceof LaunchValidationError) return error;
      throw error;
    }
  };
  const baseError = tryResolve(definition.base);
  if (baseError) {
    for (const issue of baseError.issues)
      issues.push({ path: `definition.base.${issue.path}`, message: issue.message });
    return issues;
  }
  for (const [field, parameter] of Object.entries(definition.parameters)) {
    for (const value of probeValues(parameter)) {
      const error = tryResolve(applyTrialParameters(definition.base, { [field]: value }));
      if (error) {
        const why = error.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
        issues.push({
          path: `definition.parameters.${field}`,
          message: `${JSON.stringify(value)} does not fit: ${why}`,
        });
        break;
      }
    }
  }
  return issues;
}

/** The sweep and the caller's right to do `intent` to it, or the answer (404 hides sweeps of other teams). */
async function sweepAccess(
  services: Services,
  principal: UserPrincipal,
  id: string,
  intent: "read" | "modify",
): Promise<{ ok: true; sweep: SweepRow } | { ok: false; response: Response }> {
  const notFound = `sweep ${JSON.stringify(id)} not found`;
  const sweep = await services.sweeps.findSweep(id);
  if (!sweep) return { ok: false, response: problem(404, notFound) };
  const permission =
    intent === "read"
      ? (["run", "read"] as const)
      : sweep.createdById === principal.userId
        ? (["run", "modify-own"] as const)
        : (["run", "modify-any"] as const);
  const decision = await teamPermission(services.teams, principal, sweep.teamId, [...permission], notFound);
  if (!decision.ok) return { ok: false, response: problem(decision.denial.status, decision.denial.error) };
  return { ok: true, sweep };
}

/**
 * POST /api/sweeps `{ definition, sourceRunId? }`: validates the definition (zod, then the catalogs, each problem
 * naming its field), creates the sweep and its first trials at once. 201 `{ sweep, url }`.
 */
export const createSweep = defineHandler({
  access: "signed-in",
  async handle({ services, principal, request }) {
    const body = await readBody(request, CreateSweepRequest);
    if (!body.ok) return body.response;
    const { definition, sourceRunId } = body.body;
    const issues = catalogIssues(definition);
    if (issues.length > 0) return problem(400, "invalid sweep", issues);
    const target = await resolveLaunchTarget(
      services,
      principal,
      { team: definition.team, project: definition.project },
      { invalid: "invalid sweep", noun: "launches" },
    );
    if (!target.ok) return target.response;
    if (sourceRunId) {
      const source = await services.runs.runOwnership(sourceRunId);
      if (!source || source.teamId !== target.team.id) {
        return problem(400, "invalid sweep", [
          { path: "sourceRunId", message: `run ${sourceRunId} is not a run of team ${target.team.slug}` },
        ]);
      }
    }
    const name =
      definition.name ??
      `sweep-${definition.base.model}-${definition.base.dataset}-${new Date().toISOString().slice(0, 16).replace("T", "-")}`;
    const sweep = await services.sweeps.createSweep({
      projectId: target.project.id,
      createdById: principal.userId,
      name,
      definition,
      sourceRunId: sourceRunId ?? null,
    });
    await services.audit.record({
      teamId: target.team.id,
      actorUserId: principal.userId,
      actorKeyId: principal.via === "key" ? principal.keyId : null,
      action: "sweep.create",
      targetType: "sweep",
      targetId: sweep.id,
      data: { name, method: definition.method, scheduler: definition.scheduler.kind },
    });
    // The first trials start now; later decisions come from trial reports and the tick.
    await services.sweepController.advance(sweep.id);
    const detail = await detailOf(services, (await services.sweeps.findSweep(sweep.id))!);
    const url = `/t/${target.team.slug}/p/${target.project.slug}/sweeps/${sweep.id}`;
    return json({ sweep: detail, url }, 201);
  },
});

const ListQuery = z.strictObject({ team: Slug.optional(), project: Slug.optional() });

/** GET /api/sweeps?team=&project=: the sweeps of the caller's teams (or of one team and project), newest first. */
export const listSweeps = defineHandler({
  access: "signed-in",
  async handle({ services, principal, request }) {
    const query = readQuery(request, ListQuery);
    if (!query.ok) return query.response;
    const teams = (await readableTeams(services.teams, principal)).filter(
      (t) => !query.query.team || t.slug === query.query.team,
    );
    const sweeps = [];
    for (const team of teams) {
      for (const project of await services.projects.listProjects(team.teamId)) {
        if (query.query.project && project.slug !== query.query.project) continue;
        sweeps.push(...(await summariesOf(services, project.id)));
      }
    }
    return json({ sweeps });
  },
});

/** GET /api/sweeps/:id: the sweep page's data (trials, rungs, results, best so far). */
export const getSweep = defineHandler({
  access: "signed-in",
  params: SweepParams,
  notFound: sweepNotFound,
  async handle({ services, principal, params }) {
    const access = await sweepAccess(services, principal, params.id, "read");
    if (!access.ok) return access.response;
    const detail = await detailOf(services, access.sweep);
    if (!detail) return problem(409, `sweep ${params.id} has a definition this version cannot read`);
    return json({ sweep: detail });
  },
});

/** The state changes of a whole sweep: from which states, to which, and what the controller then does. */
const CHANGES = {
  pause: { from: ["RUNNING"], to: "PAUSED" },
  resume: { from: ["PAUSED"], to: "RUNNING" },
  cancel: { from: ["RUNNING", "PAUSED"], to: "CANCELLED" },
} as const;

function sweepChange(change: keyof typeof CHANGES) {
  return defineHandler({
    access: "signed-in",
    params: SweepParams,
    notFound: sweepNotFound,
    async handle({ services, principal, params }) {
      const access = await sweepAccess(services, principal, params.id, "modify");
      if (!access.ok) return access.response;
      const { from, to } = CHANGES[change];
      if (!(await services.sweeps.transition(params.id, from, to))) {
        const now = await services.sweeps.findSweep(params.id);
        return problem(409, `sweep ${params.id} is ${now?.status ?? "gone"}: it cannot ${change}`);
      }
      await services.audit.record({
        teamId: access.sweep.teamId,
        actorUserId: principal.userId,
        actorKeyId: principal.via === "key" ? principal.keyId : null,
        action: `sweep.${change}`,
        targetType: "sweep",
        targetId: params.id,
        data: {},
      });
      // Resume starts and promotes at once; cancel stops queued and running trials (paused ones keep their checkpoints).
      await services.sweepController.advance(params.id);
      const detail = await detailOf(services, (await services.sweeps.findSweep(params.id))!);
      return json({ sweep: detail });
    },
  });
}

/** POST /api/sweeps/:id/pause: no new trials or promotions; running trials go on to their rungs. */
export const pauseSweep = sweepChange("pause");
/** POST /api/sweeps/:id/resume. */
export const resumeSweep = sweepChange("resume");
/** POST /api/sweeps/:id/cancel: queued trials are cancelled, running ones asked to stop. */
export const cancelSweep = sweepChange("cancel");
