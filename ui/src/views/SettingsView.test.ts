import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import SettingsView from "./SettingsView.svelte";

const defaults = {
  block_minutes: 52,
  break_minutes: 17,
  retry_business_days: 2,
  max_attempts: 6,
  calling_hour_start: 8,
  calling_hour_end: 17,
  conversation_seconds: 60,
  phase_opening_end: 45,
  phase_request_end: 60,
  phase_caution: 120,
  phase_limit: 180,
  objection_seconds: 20,
  default_region: "US",
  prime_time_start_minute: 540,
  prime_time_end_minute: 720,
  selling_hours_per_year: 1760,
};

afterEach(() => clearMocks());

describe("SettingsView", () => {
  it("saves a changed default and says what it affects", async () => {
    const saved: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "get_settings") return defaults;
      if (cmd === "save_settings") {
        const s = (args as { settings: typeof defaults }).settings;
        saved.push(s);
        return s;
      }
      throw new Error(cmd);
    });
    render(SettingsView);
    const length = await screen.findByLabelText(/Block length/);
    expect(length).toHaveValue(52);
    const save = screen.getByRole("button", { name: /Save settings/ });
    expect(save).toBeDisabled();
    await userEvent.clear(length);
    await userEvent.type(length, "45");
    await userEvent.click(save);
    expect(saved).toHaveLength(1);
    expect((saved[0] as typeof defaults).block_minutes).toBe(45);
    expect(await screen.findByRole("status")).toHaveTextContent(/Saved/);
  });

  it("shows the core's reason when the numbers do not fit together", async () => {
    mockIPC((cmd) => {
      if (cmd === "get_settings") return defaults;
      if (cmd === "save_settings") throw { kind: "invalid", message: "phases: thresholds must increase: opening < request < caution < limit" };
      throw new Error(cmd);
    });
    render(SettingsView);
    const caution = await screen.findByLabelText(/Caution from/);
    await userEvent.clear(caution);
    await userEvent.type(caution, "30");
    await userEvent.keyboard("{Control>}s{/Control}");
    expect(await screen.findByRole("alert")).toHaveTextContent("thresholds must increase");
  });
});
