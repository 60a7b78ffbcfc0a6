import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import { outcomes, outcomeLabel } from "./outcomes.svelte";

afterEach(() => {
  clearMocks();
  outcomes.set(null);
});

describe("the outcome store", () => {
  it("reads the rep's words from the settings and keeps the defaults when it cannot", async () => {
    expect(outcomeLabel("meeting")).toBe("Meeting booked");
    mockIPC((cmd) => {
      if (cmd === "get_settings") return { outcome_labels: { meeting: "Demo set" }, outcome_keys: { meeting: "m" } };
      throw new Error(cmd);
    });
    await outcomes.load();
    expect(outcomeLabel("meeting")).toBe("Demo set");
    expect(outcomes.def("meeting")).toMatchObject({ key: "m", form: "meeting" });
    expect(outcomes.def("no_answer")).toMatchObject({ key: "1", label: "No answer" });
    clearMocks();
    mockIPC(() => {
      throw { kind: "store", message: "busy" };
    });
    await outcomes.load();
    expect(outcomeLabel("meeting")).toBe("Demo set");
  });
});
