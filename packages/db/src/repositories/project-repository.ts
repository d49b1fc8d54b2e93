import type { Db } from "./types";

/** Slug of the team, project and user a fresh install works in until teams are set up. */
export const DEFAULT_SLUG = "default";

/** Projects and the default team/user an install starts with. */
export class ProjectRepository {
  constructor(private readonly db: Db) {}

  /** Returns the project with this slug in the default team, creating the team, owner and project on first use. */
  async ensureProject(slug: string = DEFAULT_SLUG): Promise<{ id: string; slug: string; name: string }> {
    const team = await this.db.team.upsert({
      where: { slug: DEFAULT_SLUG },
      update: {},
      create: { slug: DEFAULT_SLUG, name: "Default team" },
    });
    const user = await this.db.user.upsert({
      where: { email: "local@seqlab.invalid" },
      update: {},
      create: { email: "local@seqlab.invalid", name: "Local user" },
    });
    await this.db.membership.upsert({
      where: { teamId_userId: { teamId: team.id, userId: user.id } },
      update: {},
      create: { teamId: team.id, userId: user.id, role: "OWNER" },
    });
    const project = await this.db.project.upsert({
      where: { teamId_slug: { teamId: team.id, slug } },
      update: {},
      create: { teamId: team.id, slug, name: slug === DEFAULT_SLUG ? "Default project" : slug },
    });
    return { id: project.id, slug: project.slug, name: project.name };
  }

  async listProjects(): Promise<{ id: string; slug: string; name: string }[]> {
    return this.db.project.findMany({ select: { id: true, slug: true, name: true }, orderBy: { createdAt: "asc" } });
  }
}
