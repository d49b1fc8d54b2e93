import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import os from "node:os";

/** Clock ticks per second of /proc's CPU counters on Linux (USER_HZ). */
const CLOCK_TICKS = 100;

async function processCpuTicks(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

async function processRssMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function nvidiaSmi(gpuIndex: string | undefined): Promise<{ utilization: number; memoryMb: number } | null> {
  // With several GPUs visible, ask for the one this worker trains on, not whichever nvidia-smi lists first.
  const select = gpuIndex !== undefined ? ["-i", gpuIndex.split(",")[0]!] : [];
  return new Promise((resolve) => {
    execFile(
      "nvidia-smi",
      [...select, "--query-gpu=utilization.gpu,memory.used", "--format=csv,noheader,nounits"],
      { timeout: 5_000 },
      (error, stdout) => {
        if (error) return resolve(null);
        const [first] = stdout.trim().split("\n");
        const [util, mem] = (first ?? "").split(",").map((v) => Number(v.trim()));
        resolve(Number.isFinite(util) && Number.isFinite(mem) ? { utilization: util!, memoryMb: mem! } : null);
      },
    );
  });
}

/**
 * Samples the training process's CPU and memory, the host's memory, and the GPU through nvidia-smi when there is
 * one. Returns metric values keyed as the run page charts them ("system/...").
 */
export class SystemMetricsSampler {
  private lastTicks: number | null = null;
  private lastAt = 0;
  private hasGpu: boolean | null = null;

  constructor(
    private readonly pid: number,
    private readonly gpuIndex?: string,
  ) {}

  async sample(): Promise<Record<string, number>> {
    const values: Record<string, number> = {};
    const ticks = await processCpuTicks(this.pid);
    const now = Date.now();
    if (ticks !== null && this.lastTicks !== null && now > this.lastAt) {
      values["system/cpu_percent"] = (100 * (ticks - this.lastTicks)) / CLOCK_TICKS / ((now - this.lastAt) / 1000);
    }
    this.lastTicks = ticks;
    this.lastAt = now;
    const rss = await processRssMb(this.pid);
    if (rss !== null) values["system/memory_mb"] = rss;
    values["system/host_memory_percent"] = (100 * (os.totalmem() - os.freemem())) / os.totalmem();
    if (this.hasGpu !== false) {
      const gpu = await nvidiaSmi(this.gpuIndex);
      this.hasGpu = gpu !== null;
      if (gpu) {
        values["system/gpu_utilization_percent"] = gpu.utilization;
        values["system/gpu_memory_mb"] = gpu.memoryMb;
      }
    }
    return values;
  }
}
