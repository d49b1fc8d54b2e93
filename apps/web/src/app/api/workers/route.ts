import { services } from "../../../server/services";
import { json } from "../../../server/http";

export const dynamic = "force-dynamic";

/** Every registered worker with its state (idle, busy, lost, stopped) and current run. */
export async function GET(): Promise<Response> {
  const workers = await services().workers.listWorkers();
  return json({
    workers: workers.map((w) => ({
      ...w,
      deviceMemory: w.deviceMemory === null || w.deviceMemory === undefined ? null : Number(w.deviceMemory),
    })),
  });
}
