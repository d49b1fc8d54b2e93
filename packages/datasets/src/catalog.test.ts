import { createTask, describeTasks, getTask, taskCatalog } from "./catalog";

describe("task catalog", () => {
  it("has unique names and finds each entry", () => {
    const names = taskCatalog.map((task) => task.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(getTask(name).name).toBe(name);
  });

  it("lists the known names when a task is unknown", () => {
    expect(() => getTask("nope")).toThrow(/unknown task "nope"; known tasks: .*adding/);
  });

  it("describes every task as JSON with a params schema and default spec", () => {
    const descriptions = describeTasks();
    expect(descriptions).toHaveLength(taskCatalog.length);
    for (const description of descriptions) {
      expect(JSON.parse(JSON.stringify(description))).toEqual(description);
      expect(description.params.type).toBe("object");
      expect(description.heads.length).toBeGreaterThan(0);
      expect(description.defaultSpec.problemType).toBe(description.problemType);
    }
    const adding = descriptions.find((d) => d.name === "adding")!;
    expect(adding.defaultSpec.inputLength).toBe(50);
    expect((adding.params.properties as Record<string, { minimum?: number }>).length!.minimum).toBe(2);
  });

  // Baselines and the full contract run in task-contract.test.ts, on small splits; this checks the defaults only.
  it("every task creates with its default params and yields spec-shaped batches", () => {
    for (const task of taskCatalog) {
      const instance = createTask(task.name, {}, 11);
      const { spec } = instance;
      const batch = instance.split("train").batch(0, 4);
      expect(batch.inputs).toHaveLength(4 * spec.inputLength * spec.inputFeatures);
      expect(batch.inputMask).toHaveLength(4 * spec.inputLength);
      expect(batch.targetMask).toHaveLength(4 * spec.targetLength);
      const targetWidth = spec.outputKind === "regression" ? spec.outputSize : 1;
      expect(batch.targets).toHaveLength(4 * spec.targetLength * targetWidth);
      expect(instance.preview(2)).toHaveLength(2);
    }
  });
});
