import { services } from "../server/services";
import { RunsTable } from "../components/runs-table";

export const dynamic = "force-dynamic";

export default async function RunsPage() {
  const runs = await services().runs.listRuns({ limit: 500 });
  return (
    <>
      <div className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
        <h1>Runs</h1>
        <a className="button" href="/runs/new">
          Launch a run
        </a>
      </div>
      <RunsTable initialRuns={runs} />
    </>
  );
}
