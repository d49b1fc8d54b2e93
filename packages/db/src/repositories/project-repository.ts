import type { Db } from "./types";

/** Slug of the team and project a fresh install (and the tests) work in until someone creates others. */
export const DEFAULT_SLUG = "default";

/** A project as the dashboard lists it. */
export interface ProjectInfo {
  id: string;
  teamId: string;
  slug: string;
  name: string;
  description: string;
  createdAt: string;
}

/** Projects: a team's folders of runs. */
export class ProjectRepository {
  constructor(private readonly db: Db) {}

  /**
   * The project `projectSlug` in team `teamSlug`, creating both on first use. For seeding and tests (the worker's
   * harness, benchmarks); the dashboard creates projects explicitly, by an admin.
   */
  async ensureProject(
    options: { teamSlug?: string; projectSlug?: string } = {},
  ): Promise<{ id: string; slug: string; name: string; teamId: string }> {
    const teamSlug = options.teamSlug ?? DEFAULT_SLUG;
    const slug = options.projectSlug ?? DEFAULT_SLUG;
    const team = await this.db.team.upsert({
      where: { slug: teamSlug },
      update: {},
      create: { slug: teamSlug, name: teamSlug === DEFAULT_SLUG ? "Default team" : teamSlug },
    });
    const project = await this.db.project.upsert({
      where: { teamId_slug: { teamId: team.id, slug } },
      update: {},
      create: { teamId: team.id, slug, name: slug === DEFAULT_SLUG ? "Default project" : slug },
    });
    return { id: project.id, slug: project.slug, name: project.name, teamId: team.id };
  }

  /** A team's projects, oldest first. */
  async listProjects(teamId: string): Promise<ProjectInfo[]> {
    const rows = await this.db.project.findMany({ where: { teamId }, orderBy: { createdAt: "asc" } });
    return rows.map((p) => ({ ...p, createdAt: p.createdAt.toISOString() }));
  }

  /** The project with this slug in the team, or null. */
  async findProject(teamId: string, slug: string): Promise<ProjectInfo | null> {
    const p = await this.db.project.findUnique({ where: { teamId_slug: { teamId, slug } } });
    return p ? { ...p, createdAt: p.createdAt.toISOString() } : null;
  }

  /** Creates a project; null when the slug is taken in that team. */
  async createProject(input: {
    teamId: string;
    slug: string;
    name: string;
    description?: string;
  }): Promise<ProjectInfo | null> {
    const existing = await this.db.project.findUnique({
      where: { teamId_slug: { teamId: input.teamId, slug: input.slug } },
    });
    if (existing) return null;
    const p = await this.db.project.create({
      data: { teamId: input.teamId, slug: input.slug, name: input.name, description: input.description ?? "" },
    });
    return { ...p, createdAt: p.createdAt.toISOString() };
  }
}
